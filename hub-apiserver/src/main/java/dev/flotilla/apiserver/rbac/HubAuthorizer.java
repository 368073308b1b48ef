package dev.flotilla.apiserver.rbac;

import dev.flotilla.apiserver.agent.AgentAuthorizer;
import dev.flotilla.apiserver.auth.AgentTokens;
import dev.flotilla.apiserver.auth.UserInfo;
import dev.flotilla.apiserver.http.ApiRequest;
import dev.flotilla.apiserver.http.Authorizer;
import java.util.ArrayList;
import java.util.List;

/**
 * The hub's authorizer chain, as kube-apiserver's union of authorizers: members of {@code
 * system:masters} may do anything (upstream's privileged-group authorizer); a member agent may do
 * what {@link AgentAuthorizer} allows; then RBAC. The first that allows wins; a denial carries
 * every reason given, so an agent's 403 still says what an agent may do.
 */
public final class HubAuthorizer implements Authorizer {
  /** Upstream's SystemPrivilegedGroup. */
  public static final String MASTERS = "system:masters";

  private final RbacCache rbac;
  private final boolean agents;

  /**
   * @param agents whether member-agent identities get their built-in scope (the hub; not members)
   */
  public HubAuthorizer(RbacCache rbac, boolean agents) {
    this.rbac = rbac;
    this.agents = agents;
  }

  @Override
  public String deny(UserInfo user, String verb, ApiRequest request) {
    Attributes a = Attributes.of(user, verb, request);
    Decision d = decide(a, request);
    if (d.allowed()) {
      return null;
    }
    return d.reason().isEmpty() ? a.forbiddenMessage() : a.forbiddenMessage() + ": " + d.reason();
  }

  @Override
  public Verdict authorize(UserInfo user, String verb, ApiRequest request) {
    Attributes a = Attributes.of(user, verb, request);
    Decision d = decide(a, request);
    if (d.allowed()) {
      return new Verdict(true, d.reason(), null);
    }
    return new Verdict(
        false,
        d.reason(),
        d.reason().isEmpty() ? a.forbiddenMessage() : a.forbiddenMessage() + ": " + d.reason());
  }

  /** The chain's decision on attributes that come from no HTTP request (reviews, impersonation). */
  public Decision decide(Attributes a) {
    return decide(a, null);
  }

  private Decision decide(Attributes a, ApiRequest request) {
    if (a.user().groups().contains(MASTERS)) {
      return Decision.ALLOW;
    }
    List<String> reasons = new ArrayList<>(1);
    String cluster = agents ? AgentTokens.clusterOf(a.user()) : null;
    if (cluster != null) {
      if (!a.resourceRequest()) {
        return Decision.ALLOW;
      }
      String why =
          AgentAuthorizer.refusal(cluster, a.verb(), request != null ? request : a.toRequest());
      if (why == null) {
        return Decision.ALLOW;
      }
      reasons.add(why);
    }
    Decision d = rbac.index().decide(a);
    if (d.allowed()) {
      return d;
    }
    if (!d.reason().isEmpty()) {
      reasons.add(d.reason());
    }
    return Decision.noOpinion(String.join("\n", reasons));
  }

  /**
   * What {@code user} may do in {@code namespace}, for SelfSubjectRulesReview: RBAC's rules, and
   * "incomplete" for agents, whose scope is no list of rules.
   */
  public RulesReview rulesFor(UserInfo user, String namespace) {
    RbacIndex.Rules rules = rbac.index().rulesFor(user, namespace);
    List<String> errors = new ArrayList<>(rules.errors());
    boolean incomplete = false;
    if (agents && AgentTokens.clusterOf(user) != null) {
      incomplete = true;
      errors.add("agent authorizer does not support user rule resolution");
    }
    return new RulesReview(
        rules.rules(), incomplete, errors.isEmpty() ? "" : RbacIndex.aggregate(errors));
  }

  /** Rules for a rules review; {@code evaluationError} is "" when every binding resolved. */
  public record RulesReview(List<PolicyRule> rules, boolean incomplete, String evaluationError) {}

  /** The RBAC rules {@code user} holds in {@code namespace}, for escalation checks. */
  public RbacIndex.Rules rbacRulesFor(UserInfo user, String namespace) {
    return rbac.index().rulesFor(user, namespace);
  }

  public RbacCache cache() {
    return rbac;
  }
}
