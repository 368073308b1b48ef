package dev.flotilla.discovery;

import dev.flotilla.apiserver.auth.AgentTokens;
import dev.flotilla.apiserver.auth.UserInfo;

/**
 * Who may read fleet-wide discovery: hub administrators ({@code system:masters}), member agents (a
 * workload in any member resolves its peers through its cluster's credentials), and users put in
 * {@link #READERS} by the hub's token file, for read-only clients such as service-mesh resolvers.
 * Everyone else authenticated gets 403: instance lists reveal the fleet's topology.
 */
public final class DiscoveryAccess {
  /** The group a token-file entry names to grant read access to discovery and nothing else. */
  public static final String READERS = "flotilla:discovery-readers";

  private DiscoveryAccess() {}

  /** Null when {@code user} may read {@code ns/svc}, otherwise the reason for the 403. */
  public static String deny(UserInfo user, String ns, String svc) {
    if (user.groups().contains("system:masters")
        || user.groups().contains(READERS)
        || AgentTokens.clusterOf(user) != null) {
      return null;
    }
    return "User \""
        + user.name()
        + "\" cannot get the instances of service "
        + ns
        + "/"
        + svc
        + ": fleet discovery is readable by system:masters, member agents and the group "
        + READERS
        + " (add it to the user's entry in the hub's token file)";
  }
}
