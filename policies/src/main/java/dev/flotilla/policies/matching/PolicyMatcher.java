package dev.flotilla.policies.matching;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.policies.matching.PolicyChoice.Outcome;
import dev.flotilla.policies.matching.PolicyChoice.PolicyKind;
import dev.flotilla.policies.names.Names;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Chooses the propagation policy for a resource template with Karmada's precedence (pkg/detector):
 * a claimed template keeps its claimant unless a {@code preemption: Always} policy may take it;
 * otherwise namespaced PropagationPolicies beat ClusterPropagationPolicies, then explicit priority,
 * implicit priority (name &gt; label selector &gt; match-all), then the alphabetically smaller
 * name.
 */
public final class PolicyMatcher {

  /** Karmada's default {@code --skipped-propagating-namespaces}. */
  public static final List<Pattern> DEFAULT_SKIPPED_NAMESPACES =
      List.of(Pattern.compile("kube-.*"));

  private PolicyMatcher() {}

  /**
   * {@link #choose(JsonNode, List, List, List)} with Karmada's default skipped namespaces ({@code
   * kube-.*}).
   */
  public static PolicyChoice choose(
      JsonNode template,
      List<JsonNode> propagationPolicies,
      List<JsonNode> clusterPropagationPolicies) {
    return choose(
        template, propagationPolicies, clusterPropagationPolicies, DEFAULT_SKIPPED_NAMESPACES);
  }

  /**
   * The decision for {@code template}. PropagationPolicies from other namespaces than the
   * template's are ignored, so callers may pass every PropagationPolicy they hold.
   */
  public static PolicyChoice choose(
      JsonNode template,
      List<JsonNode> propagationPolicies,
      List<JsonNode> clusterPropagationPolicies,
      List<Pattern> skippedNamespaces) {
    String namespace = Nodes.namespace(template);
    String ignored = ignoredBecause(template, skippedNamespaces);
    if (ignored != null) {
      return new PolicyChoice(Outcome.IGNORED, null, null, ignored);
    }
    List<JsonNode> pps =
        namespace.isEmpty()
            ? List.of()
            : propagationPolicies.stream()
                .filter(p -> namespace.equals(Nodes.namespace(p)))
                .toList();
    Map<String, String> annotations = Nodes.annotations(template);
    Map<String, String> labels = Nodes.labels(template);

    String ppNamespace = annotations.getOrDefault(Names.PP_NAMESPACE_ANNOTATION, "");
    String ppName = annotations.getOrDefault(Names.PP_NAME_ANNOTATION, "");
    if (!ppNamespace.isEmpty()
        && !ppName.isEmpty()
        && !labels.getOrDefault(Names.PP_PERMANENT_ID_LABEL, "").isEmpty()) {
      JsonNode claimant = find(propagationPolicies, ppNamespace, ppName);
      return claimedByPropagationPolicy(
          template, claimant, ppNamespace + "/" + ppName, pps, clusterPropagationPolicies);
    }
    String cppName = annotations.getOrDefault(Names.CPP_NAME_ANNOTATION, "");
    if (!cppName.isEmpty() && !labels.getOrDefault(Names.CPP_PERMANENT_ID_LABEL, "").isEmpty()) {
      JsonNode claimant = find(clusterPropagationPolicies, "", cppName);
      return claimedByClusterPolicy(template, claimant, cppName, pps, clusterPropagationPolicies);
    }
    return freshMatch(template, pps, clusterPropagationPolicies);
  }

  /**
   * Names in {@code spec.dependentOverrides} with no OverridePolicy in the policy's namespace yet.
   */
  public static List<String> missingDependentOverrides(
      JsonNode policy, List<JsonNode> overridePolicies) {
    String namespace = Nodes.namespace(policy);
    List<String> missing = new ArrayList<>();
    for (String name : Nodes.strings(policy, "spec", "dependentOverrides")) {
      if (find(overridePolicies, namespace, name) == null) {
        missing.add(name);
      }
    }
    return missing;
  }

  /** The policy's {@code spec.priority}, 0 when unset. */
  public static long explicitPriority(JsonNode policy) {
    return Nodes.number(policy, 0, "spec", "priority");
  }

  /**
   * The outcome when the claiming policy no longer stands (gone: match afresh; being deleted: wait
   * for it), or null when it does.
   */
  private static PolicyChoice claimGone(
      JsonNode template,
      JsonNode claimant,
      PolicyKind kind,
      String claimantName,
      List<JsonNode> pps,
      List<JsonNode> cpps) {
    if (claimant == null) {
      PolicyChoice now = freshMatch(template, pps, cpps);
      return new PolicyChoice(
          Outcome.CLAIM_STALE,
          now.policy(),
          now.kind(),
          "claiming " + claimantName + " no longer exists; " + now.reason());
    }
    if (Nodes.deleting(claimant)) {
      return new PolicyChoice(
          Outcome.CLAIMANT_DELETING,
          claimant,
          kind,
          "claiming " + claimantName + " is being deleted");
    }
    return null;
  }

  private static PolicyChoice claimedByPropagationPolicy(
      JsonNode template,
      JsonNode claimant,
      String claimKey,
      List<JsonNode> pps,
      List<JsonNode> cpps) {
    PolicyChoice gone =
        claimGone(
            template,
            claimant,
            PolicyKind.PROPAGATION_POLICY,
            "PropagationPolicy(" + claimKey + ")",
            pps,
            cpps);
    if (gone != null) {
      return gone;
    }
    long claimed = explicitPriority(claimant);
    JsonNode preemptor =
        best(
            template, pps, p -> preempts(p) && !same(p, claimant) && explicitPriority(p) > claimed);
    if (preemptor != null) {
      return new PolicyChoice(
          Outcome.PREEMPTED,
          preemptor,
          PolicyKind.PROPAGATION_POLICY,
          "PropagationPolicy("
              + Nodes.key(preemptor)
              + ") preempted PropagationPolicy("
              + claimKey
              + ") with priority "
              + explicitPriority(preemptor)
              + " > "
              + claimed);
    }
    return keep(
        template, claimant, PolicyKind.PROPAGATION_POLICY, "PropagationPolicy(" + claimKey + ")");
  }

  private static PolicyChoice claimedByClusterPolicy(
      JsonNode template,
      JsonNode claimant,
      String claimName,
      List<JsonNode> pps,
      List<JsonNode> cpps) {
    PolicyChoice gone =
        claimGone(
            template,
            claimant,
            PolicyKind.CLUSTER_PROPAGATION_POLICY,
            "ClusterPropagationPolicy(" + claimName + ")",
            pps,
            cpps);
    if (gone != null) {
      return gone;
    }
    // A namespaced policy may always preempt a cluster-wide claim, whatever the priorities.
    JsonNode ppPreemptor = best(template, pps, PolicyMatcher::preempts);
    if (ppPreemptor != null) {
      return new PolicyChoice(
          Outcome.PREEMPTED,
          ppPreemptor,
          PolicyKind.PROPAGATION_POLICY,
          "PropagationPolicy("
              + Nodes.key(ppPreemptor)
              + ") preempted ClusterPropagationPolicy("
              + claimName
              + ")");
    }
    long claimed = explicitPriority(claimant);
    JsonNode cppPreemptor =
        best(
            template,
            cpps,
            p -> preempts(p) && !same(p, claimant) && explicitPriority(p) > claimed);
    if (cppPreemptor != null) {
      return new PolicyChoice(
          Outcome.PREEMPTED,
          cppPreemptor,
          PolicyKind.CLUSTER_PROPAGATION_POLICY,
          "ClusterPropagationPolicy("
              + Nodes.name(cppPreemptor)
              + ") preempted ClusterPropagationPolicy("
              + claimName
              + ") with priority "
              + explicitPriority(cppPreemptor)
              + " > "
              + claimed);
    }
    return keep(
        template,
        claimant,
        PolicyKind.CLUSTER_PROPAGATION_POLICY,
        "ClusterPropagationPolicy(" + claimName + ")");
  }

  private static PolicyChoice keep(
      JsonNode template, JsonNode claimant, PolicyKind kind, String label) {
    if (!ResourceSelectors.matchesAny(selectors(claimant), template)) {
      return new PolicyChoice(
          Outcome.CLAIMANT_NOT_SELECTING,
          claimant,
          kind,
          label + " claims the template but its resourceSelectors no longer select it");
    }
    return new PolicyChoice(Outcome.CLAIMED, claimant, kind, "template is claimed by " + label);
  }

  private static PolicyChoice freshMatch(
      JsonNode template, List<JsonNode> pps, List<JsonNode> cpps) {
    JsonNode pp = best(template, pps, p -> true);
    if (pp != null) {
      return new PolicyChoice(
          Outcome.MATCHED,
          pp,
          PolicyKind.PROPAGATION_POLICY,
          "matched PropagationPolicy(" + Nodes.key(pp) + ")" + why(template, pp));
    }
    JsonNode cpp = best(template, cpps, p -> true);
    if (cpp != null) {
      return new PolicyChoice(
          Outcome.MATCHED,
          cpp,
          PolicyKind.CLUSTER_PROPAGATION_POLICY,
          "matched ClusterPropagationPolicy(" + Nodes.name(cpp) + ")" + why(template, cpp));
    }
    return new PolicyChoice(
        Outcome.NO_MATCH,
        null,
        null,
        "no PropagationPolicy or ClusterPropagationPolicy matches the template");
  }

  private static String why(JsonNode template, JsonNode policy) {
    return " by "
        + ResourceSelectors.highest(selectors(policy), template).describe()
        + " with priority "
        + explicitPriority(policy);
  }

  /**
   * The best matching, non-deleting policy among those passing {@code eligible}: higher explicit
   * priority, then higher implicit priority, then the smaller name.
   */
  private static JsonNode best(
      JsonNode template, List<JsonNode> policies, Predicate<JsonNode> eligible) {
    JsonNode winner = null;
    long winnerExplicit = Long.MIN_VALUE;
    ImplicitPriority winnerImplicit = ImplicitPriority.MISMATCH;
    for (JsonNode policy : policies) {
      if (Nodes.deleting(policy) || !eligible.test(policy)) {
        continue;
      }
      ImplicitPriority implicit = ResourceSelectors.highest(selectors(policy), template);
      if (implicit == ImplicitPriority.MISMATCH) {
        continue;
      }
      long explicit = explicitPriority(policy);
      int byExplicit = Long.compare(explicit, winnerExplicit);
      int byImplicit = implicit.compareTo(winnerImplicit);
      if (winner == null
          || byExplicit > 0
          || (byExplicit == 0 && byImplicit > 0)
          || (byExplicit == 0
              && byImplicit == 0
              && Nodes.name(policy).compareTo(Nodes.name(winner)) < 0)) {
        winner = policy;
        winnerExplicit = explicit;
        winnerImplicit = implicit;
      }
    }
    return winner;
  }

  private static boolean same(JsonNode a, JsonNode b) {
    return Nodes.name(a).equals(Nodes.name(b)) && Nodes.namespace(a).equals(Nodes.namespace(b));
  }

  private static boolean preempts(JsonNode policy) {
    return "Always".equals(Nodes.text(policy, "spec", "preemption"));
  }

  private static List<JsonNode> selectors(JsonNode policy) {
    return Nodes.list(policy, "spec", "resourceSelectors");
  }

  private static JsonNode find(List<JsonNode> policies, String namespace, String name) {
    for (JsonNode policy : policies) {
      if (name.equals(Nodes.name(policy)) && namespace.equals(Nodes.namespace(policy))) {
        return policy;
      }
    }
    return null;
  }

  private static String ignoredBecause(JsonNode template, List<Pattern> skippedNamespaces) {
    String namespace = Nodes.namespace(template);
    if (Names.isReservedNamespace(namespace)) {
      return "namespace " + namespace + " is reserved for the control plane and never propagated";
    }
    for (Pattern skipped : skippedNamespaces) {
      if (!namespace.isEmpty() && skipped.matcher(namespace).matches()) {
        return "namespace " + namespace + " is skipped for propagation (" + skipped.pattern() + ")";
      }
    }
    // Generated and owned by kube-apiserver itself in every cluster.
    if ("kube-system".equals(namespace)
        && "ConfigMap".equals(Nodes.text(template, "kind"))
        && "extension-apiserver-authentication".equals(Nodes.name(template))) {
      return "kube-system/extension-apiserver-authentication is owned by each cluster's API server";
    }
    return null;
  }
}
