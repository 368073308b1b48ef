package dev.flotilla.inprocess;

import dev.flotilla.apiserver.HubServer;
import dev.flotilla.apiserver.auth.UserInfo;
import dev.flotilla.apiserver.rbac.BootstrapPolicy;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

/**
 * The identity the hub's own controllers act as: user {@value BootstrapPolicy#CONTROLLER_MANAGER}
 * in group {@value BootstrapPolicy#CONTROLLER_MANAGER_GROUP}, which RBAC authorizes through the
 * default ClusterRoleBinding of that name (not {@code system:masters}: an administrator can see and
 * narrow it). Its bearer token is random, made for this process and never written anywhere.
 */
public final class ControllerIdentity {
  public static final UserInfo USER =
      new UserInfo(
          BootstrapPolicy.CONTROLLER_MANAGER,
          "",
          List.of(BootstrapPolicy.CONTROLLER_MANAGER_GROUP));

  private ControllerIdentity() {}

  /** Registers a fresh token for {@link #USER} with {@code hub} and returns it. */
  public static String issue(HubServer hub) {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    hub.authenticator().addToken(token, USER);
    return token;
  }
}
