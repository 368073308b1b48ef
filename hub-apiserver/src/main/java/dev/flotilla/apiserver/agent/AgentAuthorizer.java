package dev.flotilla.apiserver.agent;

import dev.flotilla.apiserver.auth.AgentTokens;
import dev.flotilla.apiserver.auth.UserInfo;
import dev.flotilla.apiserver.http.ApiRequest;
import dev.flotilla.apiserver.http.Authorizer;
import dev.flotilla.apiserver.http.RequestInfo;
import java.util.Set;

/**
 * What a member agent may ask of the hub, judged on the request line alone (never the body, so
 * nothing is parsed here): reads of its own Cluster, its Lease and its execution namespace
 * karmada-es-&lt;cluster&gt;, and of the ResourceInterpreterCustomizations; writes only of its
 * Cluster (registration and status), its Lease, the Works and events of its execution namespace.
 * Which Work or Cluster writes are allowed depends on the object, so {@link AgentAdmission} decides
 * those; everything else is 403 here.
 */
public final class AgentAuthorizer implements Authorizer {
  private static final Set<String> READS = Set.of("get", "list", "watch");
  private static final Set<String> OWN_OBJECT_VERBS =
      Set.of("get", "list", "watch", "create", "update", "patch");
  private static final Set<String> WORK_WRITES = Set.of("create", "update", "patch", "delete");
  private static final Set<String> EVENT_WRITES = Set.of("create", "update", "patch");

  @Override
  public String deny(UserInfo user, String verb, ApiRequest r) {
    String cluster = AgentTokens.clusterOf(user);
    if (cluster == null) {
      return Authorizer.describe(user, verb, r);
    }
    if (!r.info().resourceRequest()) {
      return null;
    }
    String why = refusal(cluster, verb, r);
    return why == null ? null : Authorizer.describe(user, verb, r) + ": " + why;
  }

  /**
   * Null when the agent of {@code cluster} may make resource request {@code r}, else why not
   * (appended to upstream's "cannot ..." sentence).
   */
  public static String refusal(String cluster, String verb, ApiRequest r) {
    RequestInfo i = r.info();
    String group = i.group();
    String resource = i.resource();
    String sub = i.subresource();
    String executionNamespace = AgentWrites.EXECUTION_PREFIX + cluster;
    if (executionNamespace.equals(i.namespace())) {
      if (READS.contains(verb)) {
        return null;
      }
      if (group.equals("work.karmada.io") && resource.equals("works")) {
        boolean allowed =
            sub == null
                ? WORK_WRITES.contains(verb)
                : sub.equals("status") && (verb.equals("update") || verb.equals("patch"));
        return allowed ? null : AgentWrites.WORK_RULE;
      }
      if ((group.isEmpty() || group.equals("events.k8s.io"))
          && resource.equals("events")
          && EVENT_WRITES.contains(verb)) {
        return null;
      }
      return "in "
          + executionNamespace
          + " an agent writes only Works (see below) and events; "
          + AgentWrites.WORK_RULE;
    }
    if (group.equals("config.karmada.io")
        && resource.equals("resourceinterpretercustomizations")
        && READS.contains(verb)
        && sub == null) {
      return null; // the agent interprets health, status and retention with them, as Karmada's
    }
    if (group.equals("cluster.karmada.io") && resource.equals("clusters")) {
      if (OWN_OBJECT_VERBS.contains(verb)
          && (sub == null || sub.equals("status"))
          && namesOwn(cluster, verb, r)) {
        return null;
      }
      return verb.equals("delete") || verb.equals("deletecollection")
          ? "an agent never deletes a Cluster; an administrator removes clusters"
          : "an agent reaches only its own Cluster \"" + cluster + "\"";
    }
    if (group.equals("coordination.k8s.io")
        && resource.equals("leases")
        && AgentTokens.NAMESPACE.equals(i.namespace())
        && sub == null
        && OWN_OBJECT_VERBS.contains(verb)
        && namesOwn(cluster, verb, r)) {
      return null;
    }
    if (group.isEmpty()
        && resource.equals("namespaces")
        && verb.equals("get")
        && sub == null
        && (AgentTokens.NAMESPACE.equals(i.name()) || executionNamespace.equals(i.name()))) {
      return null;
    }
    return "an agent reaches only its Cluster \""
        + cluster
        + "\", its Lease "
        + AgentTokens.NAMESPACE
        + "/"
        + cluster
        + " and its execution namespace "
        + executionNamespace;
  }

  /**
   * Named requests must name the agent's cluster; list/watch must select it by metadata.name. A
   * create names its object in the body, which {@link AgentAdmission} checks once it is decoded.
   */
  private static boolean namesOwn(String cluster, String verb, ApiRequest r) {
    if (r.info().name() != null) {
      return r.info().name().equals(cluster);
    }
    if (verb.equals("create")) {
      return true;
    }
    String fs = r.param("fieldSelector", "");
    return fs.equals("metadata.name=" + cluster) || fs.equals("metadata.name==" + cluster);
  }
}
