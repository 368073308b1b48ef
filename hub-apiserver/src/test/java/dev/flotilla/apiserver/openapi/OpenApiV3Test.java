package dev.flotilla.apiserver.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.registry.BuiltinCatalogue;
import dev.flotilla.apiserver.registry.ResourceType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Checks the OpenAPI v3 index and documents carry what kubectl's validation and explain use. */
class OpenApiV3Test {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PP = "io.karmada.policy.v1alpha1.PropagationPolicy";

  private final BuiltinCatalogue catalogue = BuiltinCatalogue.get();
  private final OpenApiV3 openApi = new OpenApiV3(catalogue);

  private static final ResourceType PROPAGATION_POLICY =
      new ResourceType(
          "policy.karmada.io",
          "v1alpha1",
          "PropagationPolicy",
          "propagationpolicies",
          "propagationpolicy",
          true,
          List.of(
              "create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"),
          List.of("pp"),
          List.of(),
          List.of("status"),
          "PropagationPolicyList",
          false,
          true);

  private static JsonNode crdSchema(String placementField) throws Exception {
    return JSON.readTree(
        """
        {"type":"object","description":"the CRD author's own words","properties":{
          "spec":{"type":"object","required":["resourceSelectors"],"properties":{
            "resourceSelectors":{"type":"array","items":{"type":"object","properties":{
              "apiVersion":{"type":"string"},"kind":{"type":"string"}}}},
            "placement":{"type":"object","properties":{"%s":{"type":"string"}}}}},
          "status":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}
        """
            .formatted(placementField));
  }

  private List<ResourceType> servedWithCrd() {
    List<ResourceType> served = new ArrayList<>(catalogue.types());
    served.add(PROPAGATION_POLICY);
    return served;
  }

  private JsonNode doc(
      String gv, List<ResourceType> served, Function<ResourceType, Optional<JsonNode>> schemas)
      throws Exception {
    return JSON.readTree(openApi.document(gv, served, schemas).orElseThrow());
  }

  /** Follows properties through $ref / allOf the way kubectl explain walks a field path. */
  private static JsonNode walk(JsonNode doc, JsonNode schema, String... fields) {
    JsonNode s = deref(doc, schema);
    for (String f : fields) {
      s = deref(doc, s.path("properties").path(f));
      assertFalse(s.isMissingNode(), "no field " + f);
    }
    return s;
  }

  private static JsonNode deref(JsonNode doc, JsonNode s) {
    String ref =
        s.has("$ref") ? s.get("$ref").asText() : s.path("allOf").path(0).path("$ref").asText(null);
    if (ref == null || s.has("properties") || s.has("items")) {
      return s;
    }
    return doc.path("components").path("schemas").path(ref.substring(ref.lastIndexOf('/') + 1));
  }

  @Test
  void indexListsServedGroupVersions() throws Exception {
    JsonNode paths = JSON.readTree(openApi.index(catalogue.types())).path("paths");
    assertTrue(paths.has("api/v1"));
    assertTrue(paths.has("apis/apps/v1"));
    assertTrue(paths.has("apis/events.k8s.io/v1"));
    String url = paths.path("apis/apps/v1").path("serverRelativeURL").asText();
    assertTrue(url.matches("/openapi/v3/apis/apps/v1\\?hash=[0-9A-F]{128}"), url);
  }

  @Test
  void deploymentPatchCarriesFieldValidationAndGvk() throws Exception {
    JsonNode doc = doc("apis/apps/v1", catalogue.types(), t -> Optional.empty());
    assertEquals("3.0.0", doc.path("openapi").asText());
    JsonNode patch =
        doc.path("paths")
            .path("/apis/apps/v1/namespaces/{namespace}/deployments/{name}")
            .path("patch");
    assertEquals("patch", patch.path("x-kubernetes-action").asText());
    JsonNode gvk = patch.path("x-kubernetes-group-version-kind");
    assertEquals("apps", gvk.path("group").asText());
    assertEquals("v1", gvk.path("version").asText());
    assertEquals("Deployment", gvk.path("kind").asText());
    List<String> params = new ArrayList<>();
    patch.path("parameters").forEach(p -> params.add(p.path("name").asText()));
    assertTrue(params.containsAll(List.of("fieldValidation", "dryRun", "fieldManager", "force")));
    assertTrue(
        patch.path("requestBody").path("content").has("application/strategic-merge-patch+json"));
    JsonNode post =
        doc.path("paths").path("/apis/apps/v1/namespaces/{namespace}/deployments").path("post");
    assertTrue(post.path("parameters").toString().contains("\"fieldValidation\""));
    assertEquals(
        "list",
        doc.path("paths")
            .path("/apis/apps/v1/namespaces/{namespace}/deployments")
            .path("get")
            .path("x-kubernetes-action")
            .asText());
  }

  @Test
  void deploymentSchemaResolvesContainersWithMergeKey() throws Exception {
    JsonNode doc = doc("apis/apps/v1", catalogue.types(), t -> Optional.empty());
    JsonNode schemas = doc.path("components").path("schemas");
    JsonNode deployment = schemas.path("io.k8s.api.apps.v1.Deployment");
    assertEquals(
        "Deployment",
        deployment.path("x-kubernetes-group-version-kind").path(0).path("kind").asText());
    JsonNode containers = walk(doc, deployment, "spec", "template", "spec", "containers");
    assertEquals("name", containers.path("x-kubernetes-patch-merge-key").asText());
    assertEquals("array", containers.path("type").asText());
    assertTrue(schemas.has("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"));
    assertTrue(schemas.has("io.k8s.api.autoscaling.v1.Scale"));
    // No upstream description texts (a property may still be *named* "description").
    assertFalse(schemas.toString().contains("\"description\":\""));
    // Every $ref resolves inside the document.
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("\"#/components/schemas/([^\"]+)\"")
            .matcher(doc.toString());
    while (m.find()) {
      assertTrue(schemas.has(m.group(1)), m.group(1));
    }
  }

  @Test
  void coreDocumentUsesClusterScopedPathsForNamespaces() throws Exception {
    JsonNode doc = doc("api/v1", catalogue.types(), t -> Optional.empty());
    assertTrue(doc.path("paths").has("/api/v1/namespaces/{name}"));
    assertTrue(doc.path("paths").has("/api/v1/namespaces/{namespace}/configmaps/{name}"));
    assertTrue(
        openApi
            .document("apis/nope.example/v1", catalogue.types(), t -> Optional.empty())
            .isEmpty());
  }

  @Test
  void crdSchemaIsServedAndHashFollowsIt() throws Exception {
    List<ResourceType> served = servedWithCrd();
    AtomicReference<JsonNode> current = new AtomicReference<>(crdSchema("clusterAffinity"));
    Function<ResourceType, Optional<JsonNode>> lookup =
        t -> t.equals(PROPAGATION_POLICY) ? Optional.of(current.get()) : Optional.empty();

    JsonNode doc = doc("apis/policy.karmada.io/v1alpha1", served, lookup);
    JsonNode patch =
        doc.path("paths")
            .path(
                "/apis/policy.karmada.io/v1alpha1/namespaces/{namespace}/propagationpolicies/{name}")
            .path("patch");
    assertTrue(patch.path("parameters").toString().contains("\"fieldValidation\""));
    assertFalse(
        patch.path("requestBody").path("content").has("application/strategic-merge-patch+json"));
    JsonNode schemas = doc.path("components").path("schemas");
    JsonNode pp = schemas.path(PP);
    assertEquals(
        "PropagationPolicy",
        pp.path("x-kubernetes-group-version-kind").path(0).path("kind").asText());
    assertEquals(
        "policy.karmada.io",
        pp.path("x-kubernetes-group-version-kind").path(0).path("group").asText());
    assertEquals(
        "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
        pp.path("properties").path("metadata").path("$ref").asText());
    assertEquals("string", pp.path("properties").path("apiVersion").path("type").asText());
    assertTrue(schemas.has("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"));
    assertTrue(schemas.has("io.k8s.apimachinery.pkg.apis.meta.v1.Time"));
    assertTrue(schemas.has(PP + "List"));
    assertEquals(
        "string", walk(doc, pp, "spec", "placement", "clusterAffinity").path("type").asText());
    assertTrue(walk(doc, pp, "metadata", "labels").has("additionalProperties"));

    String before = hashOf(openApi.index(served, lookup), "apis/policy.karmada.io/v1alpha1");
    String appsBefore = hashOf(openApi.index(served, lookup), "apis/apps/v1");
    current.set(crdSchema("spreadConstraints"));
    String after = hashOf(openApi.index(served, lookup), "apis/policy.karmada.io/v1alpha1");
    assertNotEquals(before, after);
    assertEquals(appsBefore, hashOf(openApi.index(served, lookup), "apis/apps/v1"));
    JsonNode updated = doc("apis/policy.karmada.io/v1alpha1", served, lookup);
    walk(
        updated,
        updated.path("components").path("schemas").path(PP),
        "spec",
        "placement",
        "spreadConstraints");
    // index(served) alone follows the lookup document() was last given.
    assertEquals(after, hashOf(openApi.index(served), "apis/policy.karmada.io/v1alpha1"));
    // Without the CRD, its group-version disappears from the index.
    assertFalse(
        JSON.readTree(openApi.index(catalogue.types()))
            .path("paths")
            .has("apis/policy.karmada.io/v1alpha1"));
  }

  @Test
  void documentsAreCached() throws Exception {
    byte[] a =
        openApi.document("apis/apps/v1", catalogue.types(), t -> Optional.empty()).orElseThrow();
    byte[] b =
        openApi
            .document("apis/apps/v1", List.copyOf(catalogue.types()), t -> Optional.empty())
            .orElseThrow();
    assertSame(a, b);
    // A mutated schema node must not poison the cache key of the earlier render.
    List<ResourceType> served = servedWithCrd();
    ObjectNode schema = (ObjectNode) crdSchema("x");
    byte[] first =
        openApi
            .document("apis/policy.karmada.io/v1alpha1", served, t -> Optional.of(schema))
            .orElseThrow();
    schema.put("x-test", true);
    byte[] second =
        openApi
            .document("apis/policy.karmada.io/v1alpha1", served, t -> Optional.of(schema))
            .orElseThrow();
    assertFalse(java.util.Arrays.equals(first, second));
  }

  private static String hashOf(byte[] index, String gv) throws Exception {
    String url = JSON.readTree(index).path("paths").path(gv).path("serverRelativeURL").asText();
    return url.substring(url.indexOf("hash=") + 5);
  }
}
