package dev.flotilla.apiserver.rbac;

import dev.flotilla.apiserver.agent.AgentDenials;
import dev.flotilla.apiserver.auth.AgentTokens;
import dev.flotilla.apiserver.auth.UserInfo;
import dev.flotilla.apiserver.http.ApiRequest;
import dev.flotilla.apiserver.http.Authorizer;
import java.util.ArrayList;
import java.util.List;

/**
 * The hub's authorizer chain, as kube-apiserver's union of authorizers: members of {@code
 * system:masters} may do anything (upstream's privileged-group authorizer); then RBAC. Member
 * agents are RBAC users like any other (their roles are {@code AgentRbac}'s objects); when RBAC
 * refuses one, the 403 also says what an agent may do ({@link AgentDenials}).
 */
public final class HubAuthorizer implements Authorizer {
  /** Upstream's SystemPrivilegedGroup. */
  public static final String MASTERS = "system:masters";

  private final RbacCache rbac;
  private final boolean agents;

  /**
   * @param agents whether a member agent's 403 explains an agent's scope (the hub; not members)
   */
  public HubAuthorizer(RbacCache rbac, boolean agents) {
    this.rbac = rbac;
    this.agents = agents;
  }

  @Override
  public String deny(UserInfo user, String verb, ApiRequest request) {
    Attributes a = Attributes.of(user, verb, request);
    Decision d = decide(a);
    if (d.allowed()) {
      return null;
    }
    return d.reason().isEmpty() ? a.forbiddenMessage() : a.forbiddenMessage() + ": " + d.reason();
  }

  @Override
  public Verdict authorize(UserInfo user, String verb, ApiRequest request) {
    Attributes a = Attributes.of(user, verb, request);
    Decision d = decide(a);
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
    if (a.user().groups().contains(MASTERS)) {
      return Decision.ALLOW;
    }
    Decision d = rbac.index().decide(a);
    if (d.allowed()) {
      return d;
    }
    List<String> reasons = new ArrayList<>(2);
    String cluster = agents ? AgentTokens.clusterOf(a.user()) : null;
    if (cluster != null) {
      reasons.add(AgentDenials.explain(cluster, a));
    }
    if (!d.reason().isEmpty()) {
      reasons.add(d.reason());
    }
    return Decision.noOpinion(String.join("\n", reasons));
  }

  /** What {@code user} may do in {@code namespace}, for SelfSubjectRulesReview: RBAC's rules. */
  public RulesReview rulesFor(UserInfo user, String namespace) {
    RbacIndex.Rules rules = rbac.index().rulesFor(user, namespace);
    List<String> errors = rules.errors();
    return new RulesReview(
        rules.rules(), false, errors.isEmpty() ? "" : RbacIndex.aggregate(errors));
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
