package dev.flotilla.apiserver.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Checks the generated built-in catalogue against facts kubectl api-resources shows for 1.33. */
class BuiltinCatalogueTest {

  private final BuiltinCatalogue catalogue = BuiltinCatalogue.get();

  private ResourceType type(String group, String version, String plural) {
    return catalogue
        .find(group, version, plural)
        .orElseThrow(
            () -> new AssertionError("missing " + plural + " in " + group + "/" + version));
  }

  @Test
  void deploymentsAreAppsV1Namespaced() {
    ResourceType d = type("apps", "v1", "deployments");
    assertEquals("Deployment", d.kind());
    assertEquals("deployment", d.singular());
    assertEquals("DeploymentList", d.listKind());
    assertTrue(d.namespaced());
    assertTrue(d.builtin());
    assertTrue(d.storageVersion());
    assertEquals(List.of("deploy"), d.shortNames());
    assertEquals(List.of("all"), d.categories());
    assertTrue(d.subresources().containsAll(List.of("status", "scale")));
    assertEquals(
        List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"),
        d.verbs());
    BuiltinCatalogue.Subresource scale =
        catalogue.subresources(d).stream()
            .filter(s -> s.name().equals("scale"))
            .findFirst()
            .orElseThrow();
    assertEquals("autoscaling", scale.group());
    assertEquals("Scale", scale.kind());
    assertEquals(List.of("get", "patch", "update"), scale.verbs());
  }

  @Test
  void scopesAndCoreResources() {
    ResourceType ns = type("", "v1", "namespaces");
    assertFalse(ns.namespaced());
    assertEquals(List.of("ns"), ns.shortNames());
    assertEquals("api/v1", ns.groupVersionPath());
    assertFalse(type("", "v1", "nodes").namespaced());
    ResourceType pods = type("", "v1", "pods");
    assertTrue(pods.namespaced());
    assertEquals(List.of("po"), pods.shortNames());
    assertTrue(pods.subresources().containsAll(List.of("log", "exec", "status", "eviction")));
    assertTrue(type("", "v1", "serviceaccounts").hasSubresource("token"));
    assertEquals(List.of("create"), type("authentication.k8s.io", "v1", "tokenreviews").verbs());
    assertEquals(List.of("limits"), type("", "v1", "limitranges").shortNames());
  }

  @Test
  void eventsExistInCoreAndEventsGroup() {
    assertEquals("Event", type("", "v1", "events").kind());
    assertEquals("Event", type("events.k8s.io", "v1", "events").kind());
    assertTrue(type("events.k8s.io", "v1", "events").storageVersion());
  }

  @Test
  void crdsAreClusterScopedApiExtensions() {
    ResourceType crd = type("apiextensions.k8s.io", "v1", "customresourcedefinitions");
    assertFalse(crd.namespaced());
    assertEquals("CustomResourceDefinition", crd.kind());
    assertEquals(List.of("crd", "crds"), crd.shortNames());
    assertEquals(List.of("api-extensions"), crd.categories());
  }

  @Test
  void exactlyOneStorageVersionPerGroupResource() {
    Map<String, Integer> storage = new HashMap<>();
    for (ResourceType t : catalogue.types()) {
      storage.merge(t.groupResource(), t.storageVersion() ? 1 : 0, Integer::sum);
    }
    storage.forEach((gr, n) -> assertEquals(1, n, gr));
    assertTrue(type("autoscaling", "v2", "horizontalpodautoscalers").storageVersion());
    assertFalse(type("autoscaling", "v1", "horizontalpodautoscalers").storageVersion());
  }

  @Test
  void countsArePlausible() {
    List<ResourceType> types = catalogue.types();
    assertTrue(types.size() > 50, "only " + types.size());
    Set<String> groups = types.stream().map(ResourceType::group).collect(Collectors.toSet());
    assertTrue(
        groups.containsAll(
            Set.of(
                "",
                "apps",
                "batch",
                "rbac.authorization.k8s.io",
                "networking.k8s.io",
                "storage.k8s.io",
                "coordination.k8s.io",
                "policy")));
    for (ResourceType t : types) {
      assertFalse(t.kind().isEmpty(), t.plural());
      assertEquals(t.kind().toLowerCase(), t.singular());
    }
  }

  @Test
  void schemasAreV3WithoutDescriptions() {
    JsonNode schemas = catalogue.schemas();
    assertTrue(schemas.size() > 500);
    JsonNode deployment = schemas.get("io.k8s.api.apps.v1.Deployment");
    assertNotNull(deployment);
    assertEquals(
        "#/components/schemas/io.k8s.api.apps.v1.DeploymentSpec",
        deployment.path("properties").path("spec").path("$ref").asText());
    assertEquals(
        "apps", deployment.path("x-kubernetes-group-version-kind").get(0).path("group").asText());
    JsonNode containers =
        schemas.get("io.k8s.api.core.v1.PodSpec").path("properties").path("containers");
    assertEquals("name", containers.path("x-kubernetes-patch-merge-key").asText());
    assertEquals("merge", containers.path("x-kubernetes-patch-strategy").asText());
    assertFalse(schemas.toString().contains("#/definitions/"));
    // A *property* may be called "description" (JSONSchemaProps); a description text may not.
    assertFalse(schemas.toString().contains("\"description\":\""));
  }
}
