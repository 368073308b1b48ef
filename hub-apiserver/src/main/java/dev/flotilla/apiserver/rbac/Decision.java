package dev.flotilla.apiserver.rbac;

/**
 * An authorizer's answer. A denial here is upstream's "no opinion": the next authorizer in a chain
 * may still allow; {@code reason} explains (e.g. which RoleBinding allowed, or a missing role).
 */
public record Decision(boolean allowed, String reason) {
  public static final Decision ALLOW = new Decision(true, "");
  public static final Decision NO_OPINION = new Decision(false, "");

  public static Decision allow(String reason) {
    return new Decision(true, reason);
  }

  public static Decision noOpinion(String reason) {
    return new Decision(false, reason);
  }
}
