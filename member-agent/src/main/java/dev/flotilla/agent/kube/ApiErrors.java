package dev.flotilla.agent.kube;

import io.fabric8.kubernetes.client.KubernetesClientException;

/** Classifies client failures by HTTP status. */
public final class ApiErrors {
  private ApiErrors() {}

  public static boolean isNotFound(Throwable t) {
    return code(t) == 404;
  }

  public static boolean isConflict(Throwable t) {
    return code(t) == 409;
  }

  public static boolean isAlreadyExists(Throwable t) {
    return code(t) == 409;
  }

  public static boolean isForbidden(Throwable t) {
    return code(t) == 403;
  }

  /** The HTTP status of a client failure anywhere in the cause chain, 0 if none. */
  public static int code(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof KubernetesClientException k && k.getCode() != 0) {
        return k.getCode();
      }
    }
    return 0;
  }

  /** A short human message: the API server's Status message when there is one. */
  public static String message(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof KubernetesClientException k
          && k.getStatus() != null
          && k.getStatus().getMessage() != null) {
        return k.getStatus().getMessage();
      }
    }
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    if (root != t) {
      message +=
          " ("
              + (root.getMessage() == null
                  ? root.getClass().getSimpleName()
                  : root.getClass().getSimpleName() + ": " + root.getMessage())
              + ")";
    }
    return message;
  }
}
