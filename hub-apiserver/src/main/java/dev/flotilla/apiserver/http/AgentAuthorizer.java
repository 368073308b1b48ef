package dev.flotilla.apiserver.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.auth.AgentTokens;
import dev.flotilla.apiserver.auth.UserInfo;
import dev.flotilla.apiserver.objects.Meta;
import java.util.Set;

/**
 * What a member agent may touch on the hub: its own Cluster (and its status), its own Lease in
 * karmada-cluster, everything in its execution namespace karmada-es-&lt;cluster&gt;, and events it
 * records there. Everything else is 403, so one member cannot read or change another's work.
 */
public final class AgentAuthorizer implements Authorizer {
  private static final Set<String> OWN_OBJECT_VERBS =
      Set.of("get", "update", "patch", "create", "watch", "list");

  @Override
  public String deny(UserInfo user, String verb, ApiRequest r) {
    String cluster = AgentTokens.clusterOf(user);
    if (cluster == null) {
      return Authorizer.describe(user, verb, r);
    }
    RequestInfo i = r.info();
    if (!i.resourceRequest()) {
      return null;
    }
    String group = i.group();
    String resource = i.resource();
    if (("karmada-es-" + cluster).equals(i.namespace())) {
      return null;
    }
    if (group.equals("cluster.karmada.io")
        && resource.equals("clusters")
        && OWN_OBJECT_VERBS.contains(verb)
        && namesOwn(cluster, verb, r)) {
      return null;
    }
    if (group.equals("coordination.k8s.io")
        && resource.equals("leases")
        && AgentTokens.NAMESPACE.equals(i.namespace())
        && OWN_OBJECT_VERBS.contains(verb)
        && namesOwn(cluster, verb, r)) {
      return null;
    }
    if (group.isEmpty()
        && resource.equals("namespaces")
        && verb.equals("get")
        && (AgentTokens.NAMESPACE.equals(i.name()) || ("karmada-es-" + cluster).equals(i.name()))) {
      return null;
    }
    return Authorizer.describe(user, verb, r);
  }

  /** Named requests must name the agent's cluster; list/watch must select it by metadata.name. */
  private static boolean namesOwn(String cluster, String verb, ApiRequest r) {
    if (r.info().name() != null) {
      return r.info().name().equals(cluster);
    }
    if (verb.equals("create")) {
      try {
        ObjectNode body = r.bodyObject();
        return cluster.equals(Meta.name(body));
      } catch (RuntimeException e) {
        return false;
      }
    }
    String fs = r.param("fieldSelector", "");
    return fs.equals("metadata.name=" + cluster) || fs.equals("metadata.name==" + cluster);
  }
}
