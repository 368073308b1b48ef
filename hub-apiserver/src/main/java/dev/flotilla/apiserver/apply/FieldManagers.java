package dev.flotilla.apiserver.apply;

import dev.flotilla.apiserver.objects.ApiException;
import java.util.List;

/**
 * The {@code fieldManager} of a request as kube-apiserver decides it: the query parameter when
 * given (validated), else the User-Agent up to its first "/" (e.g. "kubectl.1.33" or
 * "fabric8-kubernetes-client"); apply requests must name one.
 */
public final class FieldManagers {
  private static final int MAX_LENGTH = 128;

  private FieldManagers() {}

  /** The manager name for a write; {@code options} names the options kind in errors. */
  public static String resolve(String param, String userAgent, boolean apply, String options) {
    if (param != null && !param.isEmpty()) {
      if (param.length() > MAX_LENGTH) {
        throw invalid(options, "fieldManager: Too long: may not be more than 128 bytes");
      }
      for (int i = 0; i < param.length(); i++) {
        if (Character.isISOControl(param.charAt(i))) {
          throw invalid(
              options,
              "fieldManager: Invalid value: \""
                  + param
                  + "\": must only contain printable characters");
        }
      }
      return param;
    }
    if (apply) {
      throw invalid(options, "fieldManager: Required value: is required for apply patch");
    }
    String prefix = userAgent == null ? "" : userAgent.split("/", 2)[0];
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < prefix.length() && sb.length() < MAX_LENGTH; i++) {
      char c = prefix.charAt(i);
      if (!Character.isISOControl(c)) {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** 422 for {@code force} on a patch that is not an apply, as upstream validates it. */
  public static void checkForce(boolean forceGiven, boolean apply) {
    if (forceGiven && !apply) {
      throw invalid("PatchOptions", "force: Forbidden: may not be specified for non-apply patch");
    }
  }

  private static ApiException invalid(String options, String detail) {
    int colon = detail.indexOf(':');
    return new ApiException(
        422,
        "Invalid",
        options + ".meta.k8s.io \"\" is invalid: " + detail,
        "meta.k8s.io",
        options,
        "",
        List.of(
            new ApiException.Cause(
                detail.contains("Required") ? "FieldValueRequired" : "FieldValueInvalid",
                detail.substring(0, colon),
                detail.substring(colon + 2))));
  }
}
