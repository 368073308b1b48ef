package dev.flotilla.apiserver.agent;

import dev.flotilla.apiserver.auth.AgentTokens;
import dev.flotilla.apiserver.objects.Admission;

/**
 * Admission for member agents: what RBAC cannot express of their scope ({@link AgentRbac}) is
 * judged on the object by {@link AgentWrites}: the name a create gives (its own Cluster and Lease),
 * which fields of a Cluster or Work change, and that a report speaks only for its own cluster. A
 * refusal is 403 in upstream's shape with the reason. Other users pass.
 */
public final class AgentAdmission implements Admission {
  @Override
  public void validate(Attributes a) {
    String cluster = a.user() == null ? null : AgentTokens.clusterOf(a.user());
    if (cluster == null) {
      return;
    }
    String why =
        AgentWrites.refusal(
            cluster,
            a.operation(),
            a.type().groupResource(),
            a.name(),
            a.subresource(),
            a.object(),
            a.oldObject());
    if (why != null) {
      throw a.forbidden(why);
    }
  }
}
