package dev.flotilla.policies.override;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.policies.Yaml;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OverridesTest {

  private static final JsonNode DEPLOYMENT =
      Yaml.node(
          """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: nginx, namespace: default, labels: {app: nginx}}
            spec:
              replicas: 1
              template:
                spec:
                  containers: [{name: nginx, image: 'nginx:1.0'}]
            """);
  private static final JsonNode MEMBER1 =
      Yaml.node(
          """
            metadata: {name: member1, labels: {env: prod}}
            spec: {provider: aws, region: eu}
            """);

  /**
   * An OverridePolicy (namespace set) or ClusterOverridePolicy setting label "who" to its own name.
   */
  static JsonNode policy(String name, String namespace, String selectors, String target) {
    return Yaml.node(
        """
                metadata: {name: %s %s}
                spec:
                  resourceSelectors: %s
                  overrideRules:
                  - targetCluster: %s
                    overriders: {labelsOverrider: [{operator: add, value: {who: %s, %s: 'yes'}}]}
                """
            .formatted(
                name,
                namespace.isEmpty() ? "" : ", namespace: " + namespace,
                selectors,
                target.isEmpty() ? "null" : target,
                name,
                name));
  }

  static final String ALL = "[]";
  static final String BY_KIND = "[{apiVersion: apps/v1, kind: Deployment}]";
  static final String BY_LABEL =
      "[{apiVersion: apps/v1, kind: Deployment, labelSelector: {matchLabels: {app: nginx}}}]";
  static final String BY_NAME = "[{apiVersion: apps/v1, kind: Deployment, name: nginx}]";
  static final String OTHER = "[{apiVersion: v1, kind: Service}]";

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("no policies", List.of(), List.of(), "", List.of(), List.of()),
        Arguments.of(
            "OP applied after COP",
            List.of(policy("cop", "", ALL, "")),
            List.of(policy("op", "default", ALL, "")),
            "op",
            List.of("cop"),
            List.of("op")),
        Arguments.of(
            "name selector last; empty selectors rank as match-all",
            List.of(),
            List.of(
                policy("a-name", "default", BY_NAME, ""),
                    policy("b-label", "default", BY_LABEL, ""),
                policy("c-kind", "default", BY_KIND, ""), policy("d-all", "default", ALL, "")),
            "a-name",
            List.of(),
            List.of("c-kind", "d-all", "b-label", "a-name")),
        Arguments.of(
            "same priority: by name",
            List.of(policy("zz", "", ALL, ""), policy("aa", "", ALL, "")),
            List.of(),
            "zz",
            List.of("aa", "zz"),
            List.of()),
        Arguments.of(
            "resource selector mismatch",
            List.of(policy("cop", "", OTHER, "")),
            List.of(),
            "",
            List.of(),
            List.of()),
        Arguments.of(
            "OP of another namespace",
            List.of(),
            List.of(policy("op", "prod", ALL, "")),
            "",
            List.of(),
            List.of()),
        Arguments.of(
            "target by name",
            List.of(
                policy("hit", "", ALL, "{clusterNames: [member1]}"),
                policy("miss", "", ALL, "{clusterNames: [member2]}")),
            List.of(),
            "hit",
            List.of("hit"),
            List.of()),
        Arguments.of(
            "target by label and field",
            List.of(
                policy("label", "", ALL, "{labelSelector: {matchLabels: {env: prod}}}"),
                policy(
                    "region",
                    "",
                    ALL,
                    "{fieldSelector: {matchExpressions: [{key: region, operator: In, values: [us]}]}}")),
            List.of(),
            "label",
            List.of("label"),
            List.of()),
        Arguments.of(
            "excluded cluster",
            List.of(policy("ex", "", ALL, "{exclude: [member1]}")),
            List.of(),
            "",
            List.of(),
            List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void apply(
      String name,
      List<JsonNode> cops,
      List<JsonNode> ops,
      String winner,
      List<String> appliedCops,
      List<String> appliedOps) {
    OverrideResult result = Overrides.apply(DEPLOYMENT, "member1", MEMBER1, cops, ops);
    assertEquals(winner, result.object().at("/metadata/labels/who").asText());
    assertEquals(appliedCops, result.appliedClusterOverridePolicies());
    assertEquals(appliedOps, result.appliedOverridePolicies());
    assertTrue(
        DEPLOYMENT.at("/metadata/labels/who").isMissingNode(), "the template must not change");
  }

  @Test
  void everyOverriderKindInKarmadaOrder() {
    JsonNode op =
        Yaml.node(
            """
                metadata: {name: all, namespace: default}
                spec:
                  overrideRules:
                  - targetCluster: {clusterNames: [member1]}
                    overriders:
                      plaintext: [{path: /spec/replicas, operator: replace, value: 5},
                                  {path: /spec/template/spec/containers/0/image, operator: replace, value: 'busybox:2'}]
                      imageOverrider: [{component: Registry, operator: replace, value: my.io}]
                      argsOverrider: [{containerName: nginx, operator: add, value: [--debug]}]
                      annotationsOverrider: [{operator: add, value: {note: hi}}]
                """);
    OverrideResult result = Overrides.apply(DEPLOYMENT, "member1", MEMBER1, List.of(), List.of(op));
    JsonNode object = result.object();
    assertEquals(5, object.at("/spec/replicas").asInt());
    // plaintext runs last, so it wins over the image overrider.
    assertEquals("busybox:2", object.at("/spec/template/spec/containers/0/image").asText());
    assertEquals("[\"--debug\"]", object.at("/spec/template/spec/containers/0/args").toString());
    assertEquals("hi", object.at("/metadata/annotations/note").asText());
  }

  @Test
  void deprecatedTopLevelForm() {
    JsonNode legacy =
        Yaml.node(
            """
                metadata: {name: legacy}
                spec:
                  targetCluster: {clusterNames: [member1]}
                  overriders: {labelsOverrider: [{operator: add, value: {legacy: 'true'}}]}
                """);
    assertEquals(
        "true",
        Overrides.apply(DEPLOYMENT, "member1", MEMBER1, List.of(legacy), List.of())
            .object()
            .at("/metadata/labels/legacy")
            .asText());
    assertEquals(
        "",
        Overrides.apply(DEPLOYMENT, "member2", null, List.of(legacy), List.of())
            .object()
            .at("/metadata/labels/legacy")
            .asText());
  }

  @Test
  void clusterScopedTemplatesIgnoreOverridePolicies() {
    JsonNode role =
        Yaml.node(
            "{apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRole, metadata: {name: r}}");
    OverrideResult result =
        Overrides.apply(
            role,
            "member1",
            MEMBER1,
            List.of(policy("cop", "", ALL, "")),
            List.of(policy("op", "", ALL, "")));
    assertEquals(List.of("cop"), result.appliedClusterOverridePolicies());
    assertEquals(List.of(), result.appliedOverridePolicies());
  }

  @Test
  void appliedOverridesAnnotations() {
    OverrideResult result =
        Overrides.apply(
            DEPLOYMENT,
            "member1",
            MEMBER1,
            List.of(policy("b", "", ALL, ""), policy("a", "", BY_NAME, "")),
            List.of());
    assertEquals(
        "[{\"policyName\":\"a\",\"overriders\":{\"labelsOverrider\":[{\"operator\":\"add\",\"value\":"
            + "{\"who\":\"a\",\"a\":\"yes\"}}]}},{\"policyName\":\"b\",\"overriders\":{\"labelsOverrider\":"
            + "[{\"operator\":\"add\",\"value\":{\"who\":\"b\",\"b\":\"yes\"}}]}}]",
        result.clusterOverridesAnnotation());
    assertNull(result.overridesAnnotation());
  }

  @Test
  void failuresNameThePolicy() {
    JsonNode broken =
        Yaml.node(
            """
                metadata: {name: broken, namespace: default}
                spec:
                  overrideRules:
                  - overriders: {plaintext: [{path: /spec/missing/field, operator: replace, value: 1}]}
                """);
    OverrideException e =
        assertThrows(
            OverrideException.class,
            () -> Overrides.apply(DEPLOYMENT, "member1", MEMBER1, List.of(), List.of(broken)));
    assertTrue(
        e.getMessage()
            .startsWith("Apply override policy(default/broken) for cluster(member1) failed"),
        e.getMessage());
  }
}
