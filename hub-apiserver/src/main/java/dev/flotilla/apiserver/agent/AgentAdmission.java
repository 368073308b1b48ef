package dev.flotilla.apiserver.agent;

import dev.flotilla.apiserver.auth.AgentTokens;
import dev.flotilla.apiserver.objects.Admission;

/**
 * Admission for member agents: the writes {@link AgentAuthorizer} lets through that depend on the
 * object (a Work's kind of change, a Cluster's fields, the name a create gives) are judged by
 * {@link AgentWrites}; a refusal is 403 in upstream's shape with the reason. Other users pass.
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
