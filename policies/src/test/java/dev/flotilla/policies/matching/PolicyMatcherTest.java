package dev.flotilla.policies.matching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.policies.Yaml;
import dev.flotilla.policies.matching.PolicyChoice.Outcome;
import dev.flotilla.policies.matching.PolicyChoice.PolicyKind;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PolicyMatcherTest {

  private static final String BY_KIND = "{apiVersion: apps/v1, kind: Deployment}";
  private static final String BY_NAME = "{apiVersion: apps/v1, kind: Deployment, name: nginx}";
  private static final String BY_LABEL =
      "{apiVersion: apps/v1, kind: Deployment, labelSelector: {matchLabels: {app: nginx}}}";
  private static final String OTHER = "{apiVersion: v1, kind: Service}";

  static JsonNode pp(String name, int priority, String selector, String extra) {
    return Yaml.node(
        """
                apiVersion: policy.karmada.io/v1alpha1
                kind: PropagationPolicy
                metadata: {name: %s, namespace: default %s}
                spec: {priority: %d, resourceSelectors: [%s] %s}
                """
            .formatted(
                name,
                extra.contains("deleting") ? ", deletionTimestamp: '2024-01-01T00:00:00Z'" : "",
                priority,
                selector,
                extra.contains("always") ? ", preemption: Always" : ""));
  }

  static JsonNode pp(String name, int priority, String selector) {
    return pp(name, priority, selector, "");
  }

  static JsonNode cpp(String name, int priority, String selector, String extra) {
    return Yaml.node(
        """
                apiVersion: policy.karmada.io/v1alpha1
                kind: ClusterPropagationPolicy
                metadata: {name: %s}
                spec: {priority: %d, resourceSelectors: [%s] %s}
                """
            .formatted(
                name, priority, selector, extra.contains("always") ? ", preemption: Always" : ""));
  }

  static JsonNode cpp(String name, int priority, String selector) {
    return cpp(name, priority, selector, "");
  }

  static JsonNode template(String namespace, String claim) {
    String metadata =
        switch (claim) {
          case "pp:a" ->
              ", annotations: {propagationpolicy.karmada.io/namespace: default, "
                  + "propagationpolicy.karmada.io/name: a}, labels: {app: nginx, propagationpolicy.karmada.io/permanent-id: id-a}";
          case "pp:gone" ->
              ", annotations: {propagationpolicy.karmada.io/namespace: default, "
                  + "propagationpolicy.karmada.io/name: gone}, labels: {app: nginx, propagationpolicy.karmada.io/permanent-id: id-g}";
          case "pp:a-no-id" ->
              ", annotations: {propagationpolicy.karmada.io/namespace: default, "
                  + "propagationpolicy.karmada.io/name: a}, labels: {app: nginx}";
          case "cpp:c" ->
              ", annotations: {clusterpropagationpolicy.karmada.io/name: c}, "
                  + "labels: {app: nginx, clusterpropagationpolicy.karmada.io/permanent-id: id-c}";
          default -> ", labels: {app: nginx}";
        };
    return Yaml.node(
        """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: nginx, namespace: %s %s}
                """
            .formatted(namespace, metadata));
  }

  record Case(
      String name,
      JsonNode template,
      List<JsonNode> pps,
      List<JsonNode> cpps,
      Outcome outcome,
      String winner,
      PolicyKind kind) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> cases() {
    JsonNode unclaimed = template("default", "");
    return Stream.of(
            new Case("no policies", unclaimed, List.of(), List.of(), Outcome.NO_MATCH, null, null),
            new Case(
                "policy for another kind",
                unclaimed,
                List.of(pp("a", 0, OTHER)),
                List.of(),
                Outcome.NO_MATCH,
                null,
                null),
            new Case(
                "single PP",
                unclaimed,
                List.of(pp("a", 0, BY_KIND)),
                List.of(),
                Outcome.MATCHED,
                "a",
                PolicyKind.PROPAGATION_POLICY),
            new Case(
                "PP beats a higher-priority CPP",
                unclaimed,
                List.of(pp("a", 0, BY_KIND)),
                List.of(cpp("c", 100, BY_NAME)),
                Outcome.MATCHED,
                "a",
                PolicyKind.PROPAGATION_POLICY),
            new Case(
                "CPP when no PP matches",
                unclaimed,
                List.of(pp("a", 0, OTHER)),
                List.of(cpp("c", 0, BY_KIND)),
                Outcome.MATCHED,
                "c",
                PolicyKind.CLUSTER_PROPAGATION_POLICY),
            new Case(
                "explicit priority first",
                unclaimed,
                List.of(pp("a", 1, BY_NAME), pp("b", 2, BY_KIND)),
                List.of(),
                Outcome.MATCHED,
                "b",
                PolicyKind.PROPAGATION_POLICY),
            new Case(
                "then name over label selector",
                unclaimed,
                List.of(pp("a", 0, BY_LABEL), pp("b", 0, BY_NAME)),
                List.of(),
                Outcome.MATCHED,
                "b",
                PolicyKind.PROPAGATION_POLICY),
            new Case(
                "then label selector over match-all",
                unclaimed,
                List.of(pp("a", 0, BY_KIND), pp("b", 0, BY_LABEL)),
                List.of(),
                Outcome.MATCHED,
                "b",
                PolicyKind.PROPAGATION_POLICY),
            new Case(
                "then the smaller name",
                unclaimed,
                List.of(pp("zeta", 0, BY_NAME), pp("alpha", 0, BY_NAME)),
                List.of(),
                Outcome.MATCHED,
                "alpha",
                PolicyKind.PROPAGATION_POLICY),
            new Case(
                "CPPs by the same rules",
                unclaimed,
                List.of(),
                List.of(cpp("b", 0, BY_KIND), cpp("a", 0, BY_KIND), cpp("c", 0, BY_LABEL)),
                Outcome.MATCHED,
                "c",
                PolicyKind.CLUSTER_PROPAGATION_POLICY),
            new Case(
                "deleting policies do not match",
                unclaimed,
                List.of(pp("a", 5, BY_KIND, "deleting")),
                List.of(),
                Outcome.NO_MATCH,
                null,
                null),
            new Case(
                "PPs of other namespaces are ignored",
                template("prod", ""),
                List.of(pp("a", 0, BY_KIND)),
                List.of(),
                Outcome.NO_MATCH,
                null,
                null),
            new Case(
                "claim is kept over a higher priority",
                template("default", "pp:a"),
                List.of(pp("a", 0, BY_KIND), pp("b", 10, BY_NAME)),
                List.of(),
                Outcome.CLAIMED,
                "a",
                PolicyKind.PROPAGATION_POLICY),
            new Case(
                "claim without permanent-id is no claim",
                template("default", "pp:a-no-id"),
                List.of(pp("a", 0, BY_KIND), pp("b", 10, BY_NAME)),
                List.of(),
                Outcome.MATCHED,
                "b",
                PolicyKind.PROPAGATION_POLICY),
            new Case(
                "preemption with higher priority",
                template("default", "pp:a"),
                List.of(pp("a", 1, BY_KIND), pp("b", 2, BY_KIND, "always")),
                List.of(),
                Outcome.PREEMPTED,
                "b",
                PolicyKind.PROPAGATION_POLICY),
            new Case(
                "no preemption with equal priority",
                template("default", "pp:a"),
                List.of(pp("a", 2, BY_KIND), pp("b", 2, BY_NAME, "always")),
                List.of(),
                Outcome.CLAIMED,
                "a",
                PolicyKind.PROPAGATION_POLICY),
            new Case(
                "no preemption without Always",
                template("default", "pp:a"),
                List.of(pp("a", 1, BY_KIND), pp("b", 9, BY_NAME)),
                List.of(),
                Outcome.CLAIMED,
                "a",
                PolicyKind.PROPAGATION_POLICY),
            new Case(
                "PP preempts a CPP claim regardless of priority",
                template("default", "cpp:c"),
                List.of(pp("a", 0, BY_KIND, "always")),
                List.of(cpp("c", 100, BY_KIND)),
                Outcome.PREEMPTED,
                "a",
                PolicyKind.PROPAGATION_POLICY),
            new Case(
                "PP without Always leaves a CPP claim",
                template("default", "cpp:c"),
                List.of(pp("a", 0, BY_KIND)),
                List.of(cpp("c", 0, BY_KIND)),
                Outcome.CLAIMED,
                "c",
                PolicyKind.CLUSTER_PROPAGATION_POLICY),
            new Case(
                "CPP preempts a lower CPP",
                template("default", "cpp:c"),
                List.of(),
                List.of(cpp("c", 1, BY_KIND), cpp("d", 2, BY_KIND, "always")),
                Outcome.PREEMPTED,
                "d",
                PolicyKind.CLUSTER_PROPAGATION_POLICY),
            new Case(
                "claimant gone: claim is stale, new match offered",
                template("default", "pp:gone"),
                List.of(pp("b", 0, BY_KIND)),
                List.of(),
                Outcome.CLAIM_STALE,
                "b",
                PolicyKind.PROPAGATION_POLICY),
            new Case(
                "claimant deleting: wait",
                template("default", "pp:a"),
                List.of(pp("a", 0, BY_KIND, "deleting"), pp("b", 0, BY_KIND)),
                List.of(),
                Outcome.CLAIMANT_DELETING,
                "a",
                PolicyKind.PROPAGATION_POLICY),
            new Case(
                "claimant no longer selects",
                template("default", "pp:a"),
                List.of(pp("a", 0, OTHER)),
                List.of(),
                Outcome.CLAIMANT_NOT_SELECTING,
                "a",
                PolicyKind.PROPAGATION_POLICY),
            new Case(
                "karmada-system is reserved",
                template("karmada-system", ""),
                List.of(),
                List.of(cpp("c", 0, BY_KIND)),
                Outcome.IGNORED,
                null,
                null),
            new Case(
                "execution namespaces are reserved",
                template("karmada-es-member1", ""),
                List.of(),
                List.of(cpp("c", 0, BY_KIND)),
                Outcome.IGNORED,
                null,
                null),
            new Case(
                "kube-* is skipped by default",
                template("kube-public", ""),
                List.of(),
                List.of(cpp("c", 0, BY_KIND)),
                Outcome.IGNORED,
                null,
                null))
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void choose(Case c) {
    PolicyChoice choice = PolicyMatcher.choose(c.template(), c.pps(), c.cpps());
    assertEquals(c.outcome(), choice.outcome(), choice.reason());
    assertEquals(c.winner(), choice.winner().map(Nodes::name).orElse(null), choice.reason());
    assertEquals(c.kind(), choice.kind());
    assertFalse(choice.reason().isEmpty());
  }

  @Test
  void cppMatchesClusterScopedTemplates() {
    JsonNode role =
        Yaml.node(
            "{apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRole, metadata: {name: admin}}");
    JsonNode cpp = cpp("roles", 0, "{apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRole}");
    PolicyChoice choice = PolicyMatcher.choose(role, List.of(), List.of(cpp));
    assertEquals(Outcome.MATCHED, choice.outcome());
    assertTrue(choice.claimRequired());
  }

  @Test
  void reasonSaysWhy() {
    PolicyChoice choice =
        PolicyMatcher.choose(template("default", ""), List.of(pp("a", 3, BY_NAME)), List.of());
    assertEquals(
        "matched PropagationPolicy(default/a) by name selector with priority 3", choice.reason());
  }

  @Test
  void missingDependentOverrides() {
    JsonNode policy =
        Yaml.node(
            """
                metadata: {name: a, namespace: default}
                spec: {dependentOverrides: [op1, op2], resourceSelectors: [%s]}
                """
                .formatted(BY_KIND));
    List<JsonNode> ops =
        Yaml.list(
            """
                metadata: {name: op1, namespace: default}
                ---
                metadata: {name: op2, namespace: other}
                """);
    assertEquals(List.of("op2"), PolicyMatcher.missingDependentOverrides(policy, ops));
    assertNull(PolicyMatcher.choose(template("default", ""), List.of(), List.of()).policy());
  }
}
