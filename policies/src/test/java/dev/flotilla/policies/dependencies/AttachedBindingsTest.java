package dev.flotilla.policies.dependencies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.policies.Yaml;
import java.util.List;
import org.junit.jupiter.api.Test;

class AttachedBindingsTest {
  private static final JsonNode CM =
      Yaml.node(
          "apiVersion: v1\nkind: ConfigMap\n"
              + "metadata: {namespace: ns, name: conf, uid: cm-uid, resourceVersion: '7'}");

  private static JsonNode requirer(String name, String clusters) {
    return Yaml.node(
        "kind: ResourceBinding\nmetadata: {namespace: ns, name: "
            + name
            + ", uid: "
            + name
            + "-uid}\nspec: {conflictResolution: Abort, clusters: "
            + clusters
            + "}");
  }

  private static List<String> targets(JsonNode binding) {
    return AttachedBindings.targetClusters(binding.path("spec")).stream()
        .map(c -> c.path("name").asText())
        .sorted()
        .toList();
  }

  @Test
  void aSharedDependencyGoesToTheUnionAndLeavesWithItsLastRequirer() {
    ObjectNode attached =
        AttachedBindings.withRequirer(null, requirer("a-deployment", "[{name: m1}]"), CM);
    assertEquals("conf-configmap", attached.path("metadata").path("name").asText());
    assertEquals(
        "ConfigMap",
        attached.path("metadata").path("ownerReferences").get(0).path("kind").asText());
    assertEquals("7", attached.path("spec").path("resource").path("resourceVersion").asText());
    assertEquals(
        "a-deployment-uid",
        attached
            .path("metadata")
            .path("labels")
            .path(AttachedBindings.dependedByLabel("ns", "a-deployment"))
            .asText());
    attached =
        AttachedBindings.withRequirer(
            attached, requirer("b-deployment", "[{name: m2}, {name: m1}]"), CM);
    assertEquals(List.of("m1", "m2"), targets(attached));
    assertEquals(2, attached.path("spec").path("requiredBy").size());

    // a's placement changes: its snapshot is replaced, not added
    attached =
        AttachedBindings.withRequirer(attached, requirer("a-deployment", "[{name: m3}]"), CM);
    assertEquals(List.of("m1", "m2", "m3"), targets(attached));

    ObjectNode withoutB = AttachedBindings.withoutRequirer(attached, "ns", "b-deployment");
    assertEquals(List.of("m3"), targets(withoutB));
    assertFalse(
        withoutB
            .path("metadata")
            .path("labels")
            .has(AttachedBindings.dependedByLabel("ns", "b-deployment")));
    ObjectNode none = AttachedBindings.withoutRequirer(withoutB, "ns", "a-deployment");
    assertEquals(List.of(), targets(none));
    assertFalse(none.path("spec").has("requiredBy"));
    assertNull(AttachedBindings.withoutRequirer(none, "ns", "a-deployment"), "nothing to remove");
  }

  @Test
  void aBindingPlacedByItsOwnPolicyKeepsItsClustersAndSettings() {
    JsonNode placed =
        Yaml.node(
            "metadata: {namespace: ns, name: conf-configmap,"
                + " annotations: {propagationpolicy.karmada.io/name: p}}\n"
                + "spec: {placement: {}, conflictResolution: Abort, clusters: [{name: m9}]}");
    JsonNode overwriting =
        Yaml.node(
            "metadata: {namespace: ns, name: w, uid: w-uid}\n"
                + "spec: {conflictResolution: Overwrite, clusters: [{name: m1}]}");
    ObjectNode b = AttachedBindings.withRequirer(placed, overwriting, CM);
    assertEquals(List.of("m1", "m9"), targets(b));
    assertEquals("Abort", b.path("spec").path("conflictResolution").asText());
    ObjectNode attachedOnly = AttachedBindings.withRequirer(null, overwriting, CM);
    assertEquals("Overwrite", attachedOnly.path("spec").path("conflictResolution").asText());
  }

  @Test
  void labelKeysAreStablePerBindingAndDistinct() {
    String a = AttachedBindings.dependedByLabel("ns", "a");
    assertTrue(a.startsWith("resourcebinding.karmada.io/depended-by-"), a);
    assertEquals(a, AttachedBindings.dependedByLabel("ns", "a"));
    assertFalse(a.equals(AttachedBindings.dependedByLabel("ns2", "a")));
  }
}
