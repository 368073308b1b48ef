package dev.flotilla.apiserver.http;

import dev.flotilla.apiserver.auth.UserInfo;

/**
 * Decides whether an authenticated user may perform a request. The default lets {@code
 * system:masters} do everything and everyone authenticated read discovery and OpenAPI.
 */
public interface Authorizer {

  /**
   * Returns null when allowed, otherwise the reason, phrased as upstream's "User "x" cannot list
   * resource "pods" in API group "" in the namespace "default"".
   */
  String deny(UserInfo user, String verb, ApiRequest request);

  /** A decision as audit records it: allowed or not, and the authorizer's reason ("" if none). */
  record Verdict(boolean allowed, String reason, String denial) {}

  /**
   * The decision with its reason, for the audit log's {@code authorization.k8s.io/decision} and
   * {@code /reason} annotations; {@code denial} is the 403 message when refused.
   */
  default Verdict authorize(UserInfo user, String verb, ApiRequest request) {
    String denied = deny(user, verb, request);
    return new Verdict(denied == null, "", denied);
  }

  /** Masters only for resources; discovery stays readable for any authenticated user. */
  Authorizer MASTERS =
      (user, verb, request) -> {
        if (user.groups().contains("system:masters") || !request.info().resourceRequest()) {
          return null;
        }
        return Authorizer.describe(user, verb, request);
      };

  static String describe(UserInfo user, String verb, ApiRequest r) {
    RequestInfo i = r.info();
    if (!i.resourceRequest()) {
      return "User \""
          + user.name()
          + "\" cannot "
          + verb
          + " path \"/"
          + String.join("/", i.pathParts())
          + "\"";
    }
    // As upstream's RequestInfo, a Namespace object is in its own namespace.
    String namespace =
        i.namespace() == null && i.group().isEmpty() && "namespaces".equals(i.resource())
            ? i.name()
            : i.namespace();
    String where =
        namespace == null ? " at the cluster scope" : " in the namespace \"" + namespace + "\"";
    String resource = i.subresource() == null ? i.resource() : i.resource() + "/" + i.subresource();
    return "User \""
        + user.name()
        + "\" cannot "
        + verb
        + " resource \""
        + resource
        + "\" in API group \""
        + i.group()
        + "\""
        + where;
  }

  /** Tries each authorizer; the first that allows wins, otherwise the first reason is reported. */
  static Authorizer anyOf(Authorizer... authorizers) {
    return (user, verb, request) -> {
      String first = null;
      for (Authorizer a : authorizers) {
        String reason = a.deny(user, verb, request);
        if (reason == null) {
          return null;
        }
        first = first == null ? reason : first;
      }
      return first;
    };
  }
}
