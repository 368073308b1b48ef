package dev.flotilla.apiserver.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.patch.Schemas;
import dev.flotilla.apiserver.registry.BuiltinCatalogue;
import dev.flotilla.apiserver.registry.ResourceType;
import org.junit.jupiter.api.Test;

/**
 * Field ownership and apply conflicts. Expected managedFields shapes and messages follow
 * kube-apiserver (apimachinery managedfields, structured-merge-diff) as documented at
 * kubernetes.io/docs/reference/using-api/server-side-apply and as kubectl 1.33 printed them against
 * a hub ("Apply failed with 1 conflict: conflict with \"kubectl-patch\" using apps/v1:
 * .spec.replicas").
 */
class FieldManagerTest {
  private static final JsonMapper LENIENT =
      JsonMapper.builder().enable(JsonReadFeature.ALLOW_SINGLE_QUOTES).build();
  private static final Schemas SCHEMAS = new Schemas(BuiltinCatalogue.get(), null);
  private static final ResourceType DEPLOYMENTS =
      BuiltinCatalogue.get().find("apps", "v1", "deployments").orElseThrow();
  private static final ResourceType SERVICES =
      BuiltinCatalogue.get().find("", "v1", "services").orElseThrow();
  private static final FieldManager DEPLOY =
      new FieldManager(DEPLOYMENTS, SCHEMAS.builtin("apps", "v1", "Deployment"), null);

  static ObjectNode j(String json) {
    try {
      return (ObjectNode) LENIENT.readTree(json);
    } catch (Exception e) {
      throw new IllegalArgumentException(json, e);
    }
  }

  static ObjectNode deployment(int replicas, String extraLabel) {
    return j(
        "{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web',"
            + "'labels':{'app':'web'"
            + (extraLabel == null ? "" : ",'" + extraLabel + "':'x'")
            + "}},"
            + "'spec':{'replicas':"
            + replicas
            + ",'selector':{'matchLabels':{'app':'web'}},"
            + "'template':{'metadata':{'labels':{'app':'web'}},'spec':{'containers':[{'name':'app',"
            + "'image':'nginx','env':[{'name':'A','value':'1'}]}]}}}}");
  }

  static JsonNode entry(ObjectNode obj, String manager, String operation) {
    for (JsonNode e : obj.path("metadata").path("managedFields")) {
      if (e.path("manager").asText().equals(manager)
          && e.path("operation").asText().equals(operation)) {
        return e;
      }
    }
    return null;
  }

  static boolean owns(ObjectNode obj, String manager, String operation, String... path) {
    JsonNode e = entry(obj, manager, operation);
    return e != null && FieldSet.fromJson(e.get("fieldsV1")).has(java.util.List.of(path));
  }

  @Test
  void applyRecordsTheAppliedFieldsInFieldsV1() {
    ObjectNode obj = DEPLOY.apply(null, deployment(2, null), "mgr", false);
    JsonNode e = entry(obj, "mgr", "Apply");
    assertEquals("apps/v1", e.path("apiVersion").asText());
    assertEquals("FieldsV1", e.path("fieldsType").asText());
    assertTrue(e.hasNonNull("time"));
    assertEquals(
        j(
            "{'f:metadata':{'f:labels':{'f:app':{}}},'f:spec':{'f:replicas':{},"
                + "'f:selector':{},'f:template':{'f:metadata':{'f:labels':{'f:app':{}}},'f:spec':{"
                + "'f:containers':{'k:{\"name\":\"app\"}':{'.':{},'f:env':{'k:{\"name\":\"A\"}':{'.':{},"
                + "'f:name':{},'f:value':{}}},'f:image':{},'f:name':{}}}}}}}"),
        e.get("fieldsV1"));
  }

  @Test
  void updatesOwnWhatTheyChangedIncludingNewMaps() {
    ObjectNode created = DEPLOY.update(null, deployment(2, null), "kubectl-create");
    assertTrue(owns(created, "kubectl-create", "Update", "f:metadata", "f:labels"));
    assertTrue(owns(created, "kubectl-create", "Update", "f:spec", "f:replicas"));
    ObjectNode edited = deployment(5, null);
    edited.with("metadata").set("managedFields", created.at("/metadata/managedFields"));
    ObjectNode after = DEPLOY.update(created, edited, "kubectl-edit");
    assertTrue(owns(after, "kubectl-edit", "Update", "f:spec", "f:replicas"));
    assertFalse(owns(after, "kubectl-create", "Update", "f:spec", "f:replicas"));
    assertTrue(owns(after, "kubectl-create", "Update", "f:spec", "f:selector"));
  }

  @Test
  void applyConflictsWithAnotherManagersField() {
    ObjectNode live = DEPLOY.apply(null, deployment(2, null), "a", false);
    ApiException e =
        assertThrows(ApiException.class, () -> DEPLOY.apply(live, deployment(3, null), "b", false));
    assertEquals(409, e.code());
    assertEquals("Conflict", e.reason());
    assertEquals(
        "Apply failed with 1 conflict: conflict with \"a\": .spec.replicas", e.getMessage());
    assertEquals(1, e.causes().size());
    assertEquals("FieldManagerConflict", e.causes().get(0).reason());
    assertEquals(".spec.replicas", e.causes().get(0).field());
    assertEquals("conflict with \"a\"", e.causes().get(0).message());
    JsonNode status = e.toStatus();
    assertEquals("FieldManagerConflict", status.at("/details/causes/0/reason").asText());
  }

  @Test
  void conflictsWithUpdatersNameTheirApiVersion() {
    ObjectNode created = DEPLOY.update(null, deployment(2, null), "kubectl-client-side-apply");
    ObjectNode patched = deployment(4, null);
    patched.with("metadata").set("managedFields", created.at("/metadata/managedFields"));
    ObjectNode live = DEPLOY.update(created, patched, "kubectl-patch");
    ApiException e =
        assertThrows(
            ApiException.class, () -> DEPLOY.apply(live, deployment(5, "extra"), "mgr", false));
    assertEquals(
        "Apply failed with 1 conflict: conflict with \"kubectl-patch\" using apps/v1:"
            + " .spec.replicas",
        e.getMessage());
  }

  @Test
  void severalConflictsAreListedPerManager() {
    ObjectNode live = DEPLOY.apply(null, deployment(2, null), "a", false);
    ObjectNode other = deployment(3, null);
    other.with("spec").with("selector").with("matchLabels").put("app", "other");
    ApiException e = assertThrows(ApiException.class, () -> DEPLOY.apply(live, other, "b", false));
    assertEquals(
        "Apply failed with 2 conflicts: conflicts with \"a\":\n- .spec.replicas\n"
            + "- .spec.selector",
        e.getMessage());
    assertEquals(2, e.causes().size());
  }

  @Test
  void sameValueIsSharedAndForceTakesOwnership() {
    ObjectNode live = DEPLOY.apply(null, deployment(2, null), "a", false);
    ObjectNode shared = DEPLOY.apply(live, deployment(2, null), "b", false);
    assertTrue(owns(shared, "a", "Apply", "f:spec", "f:replicas"));
    assertTrue(owns(shared, "b", "Apply", "f:spec", "f:replicas"));
    ObjectNode forced = DEPLOY.apply(live, deployment(7, null), "b", true);
    assertEquals(7, forced.at("/spec/replicas").asInt());
    assertFalse(owns(forced, "a", "Apply", "f:spec", "f:replicas"));
    assertTrue(owns(forced, "b", "Apply", "f:spec", "f:replicas"));
    assertTrue(owns(forced, "a", "Apply", "f:spec", "f:selector"));
  }

  @Test
  void reapplyRemovesFieldsTheManagerNoLongerApplies() {
    ObjectNode live = DEPLOY.apply(null, deployment(2, "tier"), "a", false);
    ObjectNode config = deployment(2, null);
    ((ObjectNode) config.at("/spec/template/spec/containers/0")).putArray("env");
    ObjectNode after = DEPLOY.apply(live, config, "a", false);
    assertEquals(j("{'app':'web'}"), after.at("/metadata/labels"));
    assertTrue(
        after.at("/spec/template/spec/containers/0/env").isMissingNode()
            || after.at("/spec/template/spec/containers/0/env").isEmpty());
  }

  @Test
  void reapplyKeepsFieldsAnotherManagerAlsoOwns() {
    ObjectNode live = DEPLOY.apply(null, deployment(2, "tier"), "a", false);
    ObjectNode both = DEPLOY.apply(live, deployment(2, "tier"), "b", false);
    ObjectNode after = DEPLOY.apply(both, deployment(2, null), "a", false);
    assertEquals("x", after.at("/metadata/labels/tier").asText());
    assertFalse(owns(after, "a", "Apply", "f:metadata", "f:labels", "f:tier"));
  }

  @Test
  void untrackedObjectsAreOwnedByBeforeFirstApply() {
    ObjectNode live = deployment(2, null);
    live.with("metadata").put("uid", "u").put("resourceVersion", "5");
    ApiException e =
        assertThrows(
            ApiException.class, () -> DEPLOY.apply(live, deployment(3, null), "mgr", false));
    assertTrue(e.getMessage().contains("\"before-first-apply\" using apps/v1"), e.getMessage());
    ObjectNode after = DEPLOY.apply(live, deployment(2, null), "mgr", false);
    assertTrue(owns(after, "before-first-apply", "Update", "f:spec", "f:replicas"));
    assertTrue(owns(after, "mgr", "Apply", "f:spec", "f:replicas"));
  }

  @Test
  void serviceClusterIpSetByAnotherManagerSurvivesApply() {
    FieldManager svc = new FieldManager(SERVICES, SCHEMAS.builtin("", "v1", "Service"), null);
    ObjectNode config =
        j(
            "{'apiVersion':'v1','kind':'Service','metadata':{'name':'s'},"
                + "'spec':{'selector':{'app':'web'},'ports':[{'port':80}]}}");
    ObjectNode created = svc.apply(null, config, "mgr", false);
    ObjectNode allocated = created.deepCopy();
    allocated.with("spec").put("clusterIP", "10.0.0.7");
    ObjectNode live = svc.update(created, allocated, "ip-allocator");
    ObjectNode reapplied =
        j(
            "{'apiVersion':'v1','kind':'Service','metadata':{'name':'s'},"
                + "'spec':{'selector':{'app':'web'},'ports':[{'port':80,'targetPort':8080}]}}");
    ObjectNode after = svc.apply(live, reapplied, "mgr", false);
    assertEquals("10.0.0.7", after.at("/spec/clusterIP").asText());
    assertEquals(8080, after.at("/spec/ports/0/targetPort").asInt());
    assertTrue(owns(after, "ip-allocator", "Update", "f:spec", "f:clusterIP"));
    assertTrue(
        owns(
            after,
            "mgr",
            "Apply",
            "f:spec",
            "f:ports",
            "k:{\"port\":80,\"protocol\":\"TCP\"}",
            "f:targetPort"));
  }

  @Test
  void kubectlMayTakeOverFieldsItsLastAppliedAnnotationSet() {
    ObjectNode csa = deployment(2, null);
    csa.with("metadata")
        .with("annotations")
        .put(Conflicts.LAST_APPLIED, deployment(2, null).toString());
    ObjectNode created = DEPLOY.update(null, csa, "kubectl-client-side-apply");
    ObjectNode after = DEPLOY.apply(created, deployment(3, null), "kubectl", false);
    assertEquals(3, after.at("/spec/replicas").asInt());
    String annotation = after.at("/metadata/annotations").path(Conflicts.LAST_APPLIED).asText();
    assertTrue(annotation.contains("\"replicas\":3"), annotation);
    assertThrows(
        ApiException.class, () -> DEPLOY.apply(created, deployment(3, null), "other", false));
  }

  @Test
  void applyRefusesManagedFieldsAndUpdatesCanResetThem() {
    ObjectNode config = deployment(2, null);
    config.with("metadata").putArray("managedFields").addObject().put("manager", "x");
    ApiException e = assertThrows(ApiException.class, () -> DEPLOY.apply(null, config, "m", false));
    assertEquals(400, e.code());
    ObjectNode created = DEPLOY.update(null, deployment(2, null), "kubectl-create");
    ObjectNode reset = deployment(3, null);
    reset.with("metadata").putArray("managedFields");
    ObjectNode after = DEPLOY.update(created, reset, "kubectl-edit");
    assertNull(after.at("/metadata").get("managedFields"));
  }

  @Test
  void fieldManagerNamesComeFromTheParameterOrTheUserAgent() {
    assertEquals(
        "kubectl.1.33",
        FieldManagers.resolve(
            null, "kubectl.1.33/v1.33.1 (linux/amd64) kubernetes/8adc0f0", false, "PatchOptions"));
    assertEquals(
        "kubectl-edit", FieldManagers.resolve("kubectl-edit", "x/1", false, "PatchOptions"));
    ApiException e =
        assertThrows(
            ApiException.class,
            () -> FieldManagers.resolve(null, "kubectl/1", true, "PatchOptions"));
    assertEquals(422, e.code());
    assertTrue(
        e.getMessage().contains("fieldManager: Required value: is required for apply patch"));
  }
}
