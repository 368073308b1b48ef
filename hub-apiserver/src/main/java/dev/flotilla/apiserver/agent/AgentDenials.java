package dev.flotilla.apiserver.agent;

import dev.flotilla.apiserver.auth.AgentTokens;
import dev.flotilla.apiserver.rbac.Attributes;

/**
 * What a member agent is told when RBAC refuses it: the scope its roles ({@link AgentRbac}) give,
 * in a sentence, appended to upstream's "cannot ..." message. It decides nothing; RBAC has already
 * said no.
 */
public final class AgentDenials {
  private AgentDenials() {}

  /** Why the agent of {@code cluster} was refused {@code a}, as a person would want it said. */
  public static String explain(String cluster, Attributes a) {
    String executionNamespace = AgentWrites.EXECUTION_PREFIX + cluster;
    String roles =
        " (RBAC: ClusterRole "
            + AgentRbac.clusterRoleName(cluster)
            + ", Roles "
            + AgentRbac.workRoleName(cluster)
            + " and "
            + AgentRbac.leaseRoleName(cluster)
            + ")";
    if (!a.resourceRequest()) {
      return "an agent reaches the discovery paths and its own objects only" + roles;
    }
    if (executionNamespace.equals(a.namespace())) {
      return "in "
          + executionNamespace
          + " an agent writes only Works (see below) and events; "
          + AgentWrites.WORK_RULE
          + roles;
    }
    if (a.apiGroup().equals("cluster.karmada.io") && a.resource().equals("clusters")) {
      return a.verb().equals("delete") || a.verb().equals("deletecollection")
          ? "an agent never deletes a Cluster; an administrator removes clusters" + roles
          : "an agent reaches only its own Cluster \"" + cluster + "\"" + roles;
    }
    return "an agent reaches only its Cluster \""
        + cluster
        + "\", its Lease "
        + AgentTokens.NAMESPACE
        + "/"
        + cluster
        + " and its execution namespace "
        + executionNamespace
        + roles;
  }
}
