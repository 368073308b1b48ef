package dev.flotilla.policies.crd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.File;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Checks the shipped CRD manifests: well-formed, structural, upstream-compatible, our own words.
 */
class CrdManifestsTest {

  /** Upstream CRDs, present on development machines beside the repository; optional. */
  private static final Path UPSTREAM = Path.of("..", "..", "shared", "data", "crds");

  private static Map<String, ObjectNode> byKind() {
    Map<String, ObjectNode> out = new LinkedHashMap<>();
    for (ObjectNode crd : CrdManifests.load()) {
      out.put(crd.at("/spec/names/kind").asText(), crd);
    }
    return out;
  }

  private static JsonNode version(ObjectNode crd, String name) {
    for (JsonNode v : crd.at("/spec/versions")) {
      if (name.equals(v.path("name").asText())) {
        return v;
      }
    }
    throw new AssertionError(crd.at("/metadata/name").asText() + " has no version " + name);
  }

  private static JsonNode storageSchema(ObjectNode crd) {
    for (JsonNode v : crd.at("/spec/versions")) {
      if (v.path("storage").asBoolean()) {
        return v.at("/schema/openAPIV3Schema");
      }
    }
    throw new AssertionError("no storage version");
  }

  /** Follows a kubectl-explain path (array items traversed implicitly); "" is the kind itself. */
  private static JsonNode field(JsonNode schema, String path) {
    JsonNode node = schema;
    for (String seg : path.isEmpty() ? new String[0] : path.split("\\.")) {
      while ("array".equals(node.path("type").asText())) {
        node = node.path("items");
      }
      node = node.path("properties").path(seg);
      assertFalse(node.isMissingNode(), "no field " + path);
    }
    return node;
  }

  private static String description(JsonNode schema, String path) {
    return field(schema, path).path("description").asText("");
  }

  private static void collectDescriptions(JsonNode node, Set<String> out) {
    if (node.isObject()) {
      JsonNode d = node.get("description");
      if (d != null && d.isTextual()) {
        out.add(normalize(d.asText()));
      }
      JsonNode props = node.get("properties");
      node.fields()
          .forEachRemaining(
              e -> {
                if (e.getValue() == props) {
                  props.forEach(p -> collectDescriptions(p, out)); // field names are not keywords
                } else if (!e.getKey().equals("description")) {
                  collectDescriptions(e.getValue(), out);
                }
              });
    } else if (node.isArray()) {
      node.forEach(n -> collectDescriptions(n, out));
    }
  }

  private static String normalize(String s) {
    return s.trim().replaceAll("\\s+", " ");
  }

  @Test
  void everyManifestParsesAsAV1Crd() {
    List<ObjectNode> crds = CrdManifests.load();
    assertEquals(CrdManifests.resourceNames().size(), crds.size());
    assertEquals(14, crds.size());
    for (ObjectNode crd : crds) {
      assertEquals("apiextensions.k8s.io/v1", crd.path("apiVersion").asText());
      assertEquals("CustomResourceDefinition", crd.path("kind").asText());
    }
  }

  @Test
  void resourceNamesListEveryFileInTheDirectory() throws Exception {
    URL dir = CrdManifests.class.getClassLoader().getResource("crds");
    assertNotNull(dir);
    Assumptions.assumeTrue("file".equals(dir.getProtocol()), "manifests are not in a directory");
    Set<String> files;
    try (Stream<Path> list = Files.list(Path.of(dir.toURI()))) {
      files =
          list.map(p -> "crds/" + p.getFileName()).collect(Collectors.toCollection(TreeSet::new));
    }
    assertEquals(files, new TreeSet<>(CrdManifests.resourceNames()));
  }

  @Test
  void namesVersionsScopesAndShortNamesFollowUpstream() {
    // kind -> scope, versions (storage version marked with *), short names
    Map<String, String> expected =
        new java.util.HashMap<>(
            Map.of(
                "Cluster", "Cluster v1alpha1* []",
                "PropagationPolicy", "Namespaced v1alpha1* [pp]",
                "ClusterPropagationPolicy", "Cluster v1alpha1* [cpp]",
                "OverridePolicy", "Namespaced v1alpha1* [op]",
                "ClusterOverridePolicy", "Cluster v1alpha1* [cop]",
                "Work", "Namespaced v1alpha1* [wk]",
                "ResourceBinding", "Namespaced v1alpha1,v1alpha2* [rb]",
                "ClusterResourceBinding", "Cluster v1alpha1,v1alpha2* [crb]",
                "ServiceExport", "Namespaced v1alpha1,v1beta1* [svcex, svcexport]",
                "ServiceImport", "Namespaced v1alpha1,v1beta1* [svcim, svcimport]"));
    expected.put("ClusterTaintPolicy", "Cluster v1alpha1* []");
    expected.put("WorkloadRebalancer", "Cluster v1alpha1* []");
    expected.put("FederatedResourceQuota", "Namespaced v1alpha1* []");
    expected.put("ResourceInterpreterCustomization", "Cluster v1alpha1* [ric]");
    Map<String, String> actual = new LinkedHashMap<>();
    for (ObjectNode crd : CrdManifests.load()) {
      JsonNode spec = crd.path("spec");
      List<String> versions = new ArrayList<>();
      for (JsonNode v : spec.path("versions")) {
        assertTrue(v.path("served").asBoolean(), "every version is served");
        versions.add(v.path("name").asText() + (v.path("storage").asBoolean() ? "*" : ""));
      }
      List<String> shortNames = new ArrayList<>();
      spec.at("/names/shortNames").forEach(n -> shortNames.add(n.asText()));
      actual.put(
          spec.at("/names/kind").asText(),
          spec.path("scope").asText() + " " + String.join(",", versions) + " " + shortNames);
    }
    assertEquals(
        new TreeSet<>(expected.entrySet().stream().map(Object::toString).toList()),
        new TreeSet<>(actual.entrySet().stream().map(Object::toString).toList()));
  }

  @Test
  void nameIsPluralDotGroupAndMatchesTheFile() {
    for (String resource : CrdManifests.resourceNames()) {
      ObjectNode crd = CrdManifests.load(resource);
      String group = crd.at("/spec/group").asText();
      String plural = crd.at("/spec/names/plural").asText();
      assertEquals(plural + "." + group, crd.at("/metadata/name").asText());
      assertEquals("crds/" + group + "_" + plural + ".yaml", resource);
    }
  }

  @Test
  void exactlyOneStorageVersionEach() {
    for (ObjectNode crd : CrdManifests.load()) {
      long storage = 0;
      for (JsonNode v : crd.at("/spec/versions")) {
        storage += v.path("storage").asBoolean() ? 1 : 0;
      }
      assertEquals(1, storage, crd.at("/metadata/name").asText());
    }
  }

  @Test
  void everySchemaIsStructural() {
    for (ObjectNode crd : CrdManifests.load()) {
      for (JsonNode v : crd.at("/spec/versions")) {
        String where = crd.at("/metadata/name").asText() + "/" + v.path("name").asText();
        assertStructural(v.at("/schema/openAPIV3Schema"), where);
      }
    }
  }

  private static void assertStructural(JsonNode node, String where) {
    assertTrue(node.isObject(), where + " is not a schema");
    assertTrue(
        node.has("type")
            || node.path("x-kubernetes-int-or-string").asBoolean()
            || node.path("x-kubernetes-preserve-unknown-fields").asBoolean(),
        where + " has no type");
    node.path("properties")
        .fields()
        .forEachRemaining(e -> assertStructural(e.getValue(), where + "." + e.getKey()));
    if (node.has("items")) {
      assertStructural(node.get("items"), where + "[]");
    }
    if (node.path("additionalProperties").isObject()) {
      assertStructural(node.get("additionalProperties"), where + "{}");
    }
    for (String key : List.of("anyOf", "allOf", "oneOf")) {
      node.path(key).forEach(n -> assertStructural(n, where + "|" + key));
    }
  }

  @Test
  void schemaFactsMatchUpstream() {
    JsonNode pp = storageSchema(byKind().get("PropagationPolicy"));
    assertEquals("[\"spec\"]", pp.path("required").toString());
    assertEquals("[\"resourceSelectors\"]", field(pp, "spec").path("required").toString());
    assertEquals(1, field(pp, "spec.resourceSelectors").path("minItems").asInt());
    assertEquals("Abort", field(pp, "spec.conflictResolution").path("default").asText());
    assertTrue(field(pp, "spec.priority").path("default").isInt());
    assertEquals(
        "[\"Duplicated\",\"Divided\"]",
        field(pp, "spec.placement.replicaScheduling.replicaSchedulingType")
            .path("enum")
            .toString());
    JsonNode si = storageSchema(byKind().get("ServiceImport"));
    assertEquals("[\"ClusterSetIP\",\"Headless\"]", field(si, "spec.type").path("enum").toString());
    assertEquals(
        "[\"True\",\"False\",\"Unknown\"]",
        field(si, "status.conditions.status").path("enum").toString());
    JsonNode op = storageSchema(byKind().get("OverridePolicy"));
    assertTrue(
        field(op, "spec.overrideRules.overriders.plaintext.value")
            .path("x-kubernetes-preserve-unknown-fields")
            .asBoolean());
  }

  @Test
  void serviceExportAndImportServeBothVersionsAndStoreV1beta1() {
    for (String kind : List.of("ServiceExport", "ServiceImport")) {
      ObjectNode crd = byKind().get(kind);
      assertEquals("multicluster.x-k8s.io", crd.at("/spec/group").asText());
      assertTrue(version(crd, "v1alpha1").path("served").asBoolean());
      assertFalse(version(crd, "v1alpha1").path("storage").asBoolean());
      assertTrue(version(crd, "v1beta1").path("served").asBoolean());
      assertTrue(version(crd, "v1beta1").path("storage").asBoolean());
      assertTrue(version(crd, "v1beta1").at("/subresources/status").isObject());
    }
  }

  @Test
  void clusterIsClusterScopedWithStatusAndPrinterColumns() {
    ObjectNode crd = byKind().get("Cluster");
    assertEquals("clusters.cluster.karmada.io", crd.at("/metadata/name").asText());
    assertEquals("Cluster", crd.at("/spec/scope").asText());
    JsonNode v = version(crd, "v1alpha1");
    assertTrue(v.at("/subresources/status").isObject());
    List<String> columns = new ArrayList<>();
    v.path("additionalPrinterColumns")
        .forEach(
            c ->
                columns.add(
                    c.path("name").asText()
                        + "|"
                        + c.path("jsonPath").asText()
                        + "|"
                        + c.path("type").asText()
                        + "|"
                        + c.path("priority").asInt(0)));
    assertEquals(
        List.of(
            "VERSION|.status.kubernetesVersion|string|0",
            "MODE|.spec.syncMode|string|0",
            "READY|.status.conditions[?(@.type==\"Ready\")].status|string|0",
            "AGE|.metadata.creationTimestamp|date|0",
            "API ENDPOINT|.spec.apiEndpoint|string|1",
            "PROVIDER|.spec.provider|string|1",
            "REGION|.spec.region|string|1",
            "ZONES|.spec.zones|string|1"),
        columns);
    JsonNode schema = v.at("/schema/openAPIV3Schema");
    assertEquals("[\"Push\",\"Pull\"]", field(schema, "spec.syncMode").path("enum").toString());
    assertEquals("[\"syncMode\"]", field(schema, "spec").path("required").toString());
    assertTrue(
        field(schema, "spec.resourceModels.ranges.min")
            .path("x-kubernetes-int-or-string")
            .asBoolean());
  }

  @Test
  void fieldsUsersExplainCarryOurDescriptions() {
    Map<String, List<String>> paths = new LinkedHashMap<>();
    List<String> propagation =
        new ArrayList<>(
            Arrays.asList(
                "",
                "spec",
                "spec.resourceSelectors",
                "spec.resourceSelectors.apiVersion",
                "spec.resourceSelectors.kind",
                "spec.resourceSelectors.namespace",
                "spec.resourceSelectors.name",
                "spec.resourceSelectors.labelSelector",
                "spec.placement",
                "spec.placement.clusterAffinity",
                "spec.placement.clusterAffinity.clusterNames",
                "spec.placement.clusterAffinity.exclude",
                "spec.placement.clusterAffinity.labelSelector",
                "spec.placement.clusterAffinity.fieldSelector",
                "spec.placement.clusterAffinities",
                "spec.placement.clusterAffinities.affinityName",
                "spec.placement.clusterTolerations",
                "spec.placement.spreadConstraints",
                "spec.placement.spreadConstraints.spreadByField",
                "spec.placement.spreadConstraints.maxGroups",
                "spec.placement.spreadConstraints.minGroups",
                "spec.placement.replicaScheduling",
                "spec.placement.replicaScheduling.replicaSchedulingType",
                "spec.placement.replicaScheduling.replicaDivisionPreference",
                "spec.placement.replicaScheduling.weightPreference",
                "spec.priority",
                "spec.preemption",
                "spec.conflictResolution",
                "spec.suspension",
                "spec.suspension.dispatching",
                "spec.preserveResourcesOnDeletion"));
    paths.put("PropagationPolicy", propagation);
    paths.put("ClusterPropagationPolicy", propagation);
    List<String> override =
        List.of(
            "",
            "spec",
            "spec.resourceSelectors",
            "spec.overrideRules",
            "spec.overrideRules.targetCluster",
            "spec.overrideRules.overriders",
            "spec.overrideRules.overriders.imageOverrider",
            "spec.overrideRules.overriders.commandOverrider",
            "spec.overrideRules.overriders.argsOverrider",
            "spec.overrideRules.overriders.labelsOverrider",
            "spec.overrideRules.overriders.annotationsOverrider",
            "spec.overrideRules.overriders.fieldOverrider",
            "spec.overrideRules.overriders.plaintext",
            "spec.targetCluster",
            "spec.overriders");
    paths.put("OverridePolicy", override);
    paths.put("ClusterOverridePolicy", override);
    paths.put(
        "ServiceExport",
        List.of(
            "",
            "spec",
            "spec.exportedLabels",
            "spec.exportedAnnotations",
            "status",
            "status.conditions"));
    paths.put(
        "ServiceImport",
        List.of(
            "",
            "spec",
            "spec.type",
            "spec.ips",
            "spec.ports",
            "spec.ports.port",
            "spec.ipFamilies",
            "spec.sessionAffinity",
            "spec.sessionAffinityConfig",
            "spec.internalTrafficPolicy",
            "spec.trafficDistribution",
            "status",
            "status.clusters",
            "status.clusters.cluster",
            "status.conditions"));
    List<String> cluster = new ArrayList<>(List.of("", "spec", "status"));
    field(storageSchema(byKind().get("Cluster")), "spec")
        .path("properties")
        .fieldNames()
        .forEachRemaining(f -> cluster.add("spec." + f));
    assertEquals(17, cluster.size(), "Cluster spec has 14 fields");
    paths.put("Cluster", cluster);
    for (String kind : List.of("Work", "ResourceBinding", "ClusterResourceBinding")) {
      paths.put(kind, List.of("", "spec", "status"));
    }
    paths.put(
        "ClusterTaintPolicy",
        List.of(
            "",
            "spec",
            "spec.targetClusters",
            "spec.addOnConditions",
            "spec.addOnConditions.operator",
            "spec.removeOnConditions",
            "spec.taints",
            "spec.taints.effect"));
    paths.put(
        "WorkloadRebalancer",
        List.of(
            "",
            "spec",
            "spec.workloads",
            "spec.ttlSecondsAfterFinished",
            "status",
            "status.observedWorkloads.result"));
    paths.put(
        "FederatedResourceQuota",
        List.of("", "spec", "spec.overall", "spec.staticAssignments.hard", "status.overallUsed"));
    paths.put(
        "ResourceInterpreterCustomization",
        List.of(
            "",
            "spec.target.kind",
            "spec.customizations.healthInterpretation.luaScript",
            "spec.customizations.replicaResource"));
    Map<String, ObjectNode> crds = byKind();
    assertEquals(crds.keySet(), paths.keySet());
    for (Map.Entry<String, List<String>> e : paths.entrySet()) {
      for (JsonNode v : crds.get(e.getKey()).at("/spec/versions")) {
        JsonNode schema = v.at("/schema/openAPIV3Schema");
        for (String path : e.getValue()) {
          assertFalse(
              description(schema, path).isBlank(),
              e.getKey() + "/" + v.path("name").asText() + " " + path + " has no description");
        }
      }
    }
  }

  @Test
  void spotChecksAgainstUpstreamWording() {
    JsonNode pp = storageSchema(byKind().get("PropagationPolicy"));
    String placement = description(pp, "spec.placement");
    assertFalse(placement.isBlank());
    assertFalse(placement.startsWith("Placement represents"), placement);
    assertEquals(
        "Which member clusters receive the selected resources and how replicas are shared among them.",
        placement);
    Set<String> ours = new HashSet<>();
    CrdManifests.load().forEach(crd -> collectDescriptions(crd, ours));
    for (String upstream :
        List.of(
            "Placement represents the rule for select clusters to propagate resources.",
            "Spec represents the desired behavior of PropagationPolicy.",
            "type defines the type of this service. Must be ClusterSetIP or Headless.",
            "The type of this ServiceImport",
            "status of the condition, one of True, False, Unknown.",
            "Kind is the kind of the resource.")) {
      assertFalse(ours.contains(upstream), "upstream text shipped: " + upstream);
    }
  }

  @Test
  void noDescriptionRepeatsUpstreamText() throws Exception {
    File dir = UPSTREAM.toFile();
    Assumptions.assumeTrue(
        dir.isDirectory(), "upstream CRDs not found at " + UPSTREAM.toAbsolutePath());
    YAMLMapper yaml = new YAMLMapper();
    Set<String> upstream = new HashSet<>();
    for (File f : dir.listFiles((d, n) -> n.endsWith(".yaml"))) {
      collectDescriptions(yaml.readTree(f), upstream);
    }
    assertTrue(upstream.size() > 100, "upstream descriptions were read");
    Set<String> ours = new HashSet<>();
    CrdManifests.load().forEach(crd -> collectDescriptions(crd, ours));
    ours.retainAll(upstream);
    assertEquals(Set.of(), ours);
  }
}
