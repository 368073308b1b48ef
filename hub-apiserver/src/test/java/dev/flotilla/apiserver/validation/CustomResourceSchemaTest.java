package dev.flotilla.apiserver.validation;

import static dev.flotilla.apiserver.validation.Fixtures.crd;
import static dev.flotilla.apiserver.validation.Fixtures.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.registry.ResourceType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Karmada's CRDs: pruning, defaulting and validation of PropagationPolicy and friends. */
class CustomResourceSchemaTest {
  private static final Path SEED =
      Path.of("/work/shared/seeds/karmada-multi-cluster-service-discovery.md");
  private static final String POLICY =
      """
      apiVersion: policy.karmada.io/v1alpha1
      kind: PropagationPolicy
      metadata: {name: nginx, namespace: default}
      spec:
        resourceSelectors:
        - {apiVersion: apps/v1, kind: Deployment, name: nginx}
        placement:
          clusterAffinity: {clusterNames: [member1, member2]}
          replicaScheduling: {replicaSchedulingType: Foo}
      """;

  private final SchemaAdmission admission = Fixtures.admission();
  private final ResourceType policies = crd("policy.karmada.io", "v1alpha1", "PropagationPolicy");

  private ObjectNode decoded(String text, FieldValidation directive) {
    ObjectNode obj = yaml(text);
    admission.decode(policies, obj, null, new WriteContext("create", directive));
    return obj;
  }

  @Test
  void anUnsupportedEnumValueIsInvalidWithUpstreamsMessage() {
    ObjectNode obj = decoded(POLICY, FieldValidation.STRICT);
    ApiException e =
        assertThrows(ApiException.class, () -> admission.validate(policies, obj, null));
    assertEquals(422, e.code());
    assertEquals("Invalid", e.reason());
    String body = "Unsupported value: \"Foo\": supported values: \"Duplicated\", \"Divided\"";
    assertEquals(
        "PropagationPolicy.policy.karmada.io \"nginx\" is invalid:"
            + " spec.placement.replicaScheduling.replicaSchedulingType: "
            + body,
        e.getMessage());
    assertEquals(
        List.of(
            new ApiException.Cause(
                "FieldValueNotSupported",
                "spec.placement.replicaScheduling.replicaSchedulingType",
                body)),
        e.causes());
    assertEquals("PropagationPolicy", e.toStatus().at("/details/kind").asText());
    assertEquals("policy.karmada.io", e.toStatus().at("/details/group").asText());
  }

  @Test
  void aMissingRequiredFieldIsNamed() {
    ObjectNode obj =
        decoded(
            """
        apiVersion: policy.karmada.io/v1alpha1
        kind: PropagationPolicy
        metadata: {name: p}
        spec:
          placement: {clusterAffinity: {clusterNames: [m1]}}
          resourceSelectors: [{kind: Deployment}]
        """,
            FieldValidation.STRICT);
    ApiException e =
        assertThrows(ApiException.class, () -> admission.validate(policies, obj, null));
    assertEquals(
        "PropagationPolicy.policy.karmada.io \"p\" is invalid:"
            + " spec.resourceSelectors[0].apiVersion: Required value",
        e.getMessage());
    assertEquals("FieldValueRequired", e.causes().get(0).reason());
  }

  @Test
  void defaultsAreFilledTopDown() {
    ObjectNode obj = decoded(POLICY.replace("Foo", "Duplicated"), FieldValidation.STRICT);
    assertEquals("Abort", obj.at("/spec/conflictResolution").asText());
    assertEquals("Never", obj.at("/spec/preemption").asText());
    assertEquals(0, obj.at("/spec/priority").asInt(-1));
    assertEquals("default-scheduler", obj.at("/spec/schedulerName").asText());
    assertEquals(
        "Duplicated", obj.at("/spec/placement/replicaScheduling/replicaSchedulingType").asText());
    admission.validate(policies, obj, null);

    ObjectNode empty =
        decoded(POLICY.replace("replicaSchedulingType: Foo", ""), FieldValidation.STRICT);
    assertEquals(
        "Divided",
        empty.at("/spec/placement/replicaScheduling/replicaSchedulingType").asText(),
        "an object present gets its fields' defaults");
    assertFalse(
        decoded(
                POLICY.replace("  replicaScheduling: {replicaSchedulingType: Foo}\n", ""),
                FieldValidation.STRICT)
            .at("/spec/placement")
            .has("replicaScheduling"));
  }

  @Test
  void nullsAreDefaultedOrPruned() {
    ObjectNode obj =
        decoded(
            POLICY.replace("Foo", "Divided") + "  schedulerName: null\n  failover: null\n",
            FieldValidation.STRICT);
    assertEquals("default-scheduler", obj.at("/spec/schedulerName").asText());
    assertFalse(obj.path("spec").has("failover"));
  }

  @Test
  void unknownFieldsArePrunedAndReported() {
    String text = POLICY.replace("Foo", "Divided") + "  colour: blue\nextra: {a: 1}\n";
    WriteContext ctx = new WriteContext("create", FieldValidation.WARN);
    ObjectNode obj = yaml(text);
    admission.decode(policies, obj, null, ctx);
    assertEquals(
        List.of("unknown field \"spec.colour\"", "unknown field \"extra\""),
        ctx.warnings(),
        "in document order");
    assertFalse(obj.has("extra"));
    assertFalse(obj.path("spec").has("colour"));
    ApiException e = assertThrows(ApiException.class, () -> decoded(text, FieldValidation.STRICT));
    assertEquals(
        "PropagationPolicy in version \"v1alpha1\" cannot be handled as a"
            + " PropagationPolicy: strict decoding error: unknown field \"spec.colour\", unknown field"
            + " \"extra\"",
        e.getMessage());
  }

  @Test
  void updatesRatchetUnchangedInvalidFields() {
    ObjectNode old = yaml(POLICY);
    ObjectNode updated = yaml(POLICY);
    updated.with("metadata").with("labels").put("team", "a");
    admission.validate(policies, updated, old); // the stored invalid value is not re-judged
    ((ObjectNode) updated.at("/spec/placement/clusterAffinity")).putArray("clusterNames");
    updated.with("spec").put("priority", "high");
    ApiException e =
        assertThrows(ApiException.class, () -> admission.validate(policies, updated, old));
    assertEquals(1, e.causes().size(), e.getMessage());
    assertEquals("spec.priority", e.causes().get(0).field());
    assertEquals(
        "Invalid value: \"string\": spec.priority in body must be of type integer:" + " \"string\"",
        e.causes().get(0).message());
  }

  @Test
  void theKarmadaSeedPassesUnchanged() throws Exception {
    assertTrue(Files.exists(SEED), "seed " + SEED);
    Matcher blocks =
        Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(SEED));
    int checked = 0;
    while (blocks.find()) {
      for (String doc : blocks.group(1).stripIndent().split("(?m)^---.*$")) {
        if (doc.isBlank()) {
          continue;
        }
        ObjectNode original = yaml(doc);
        ResourceType type = typeOf(original);
        ObjectNode obj = original.deepCopy();
        WriteContext ctx = new WriteContext("create", FieldValidation.STRICT);
        admission.decode(type, obj, null, ctx);
        admission.validate(type, obj, null);
        assertEquals(List.of(), ctx.warnings());
        assertContains(original, obj, original.path("kind").asText());
        checked++;
      }
    }
    assertEquals(9, checked, "documents in the seed");
  }

  private static ResourceType typeOf(ObjectNode obj) {
    String apiVersion = obj.path("apiVersion").asText();
    String kind = obj.path("kind").asText();
    return switch (kind) {
      case "Deployment" -> Fixtures.builtin("apps", "v1", "deployments");
      case "Service" -> Fixtures.builtin("", "v1", "services");
      default ->
          crd(
              apiVersion.substring(0, apiVersion.indexOf('/')),
              apiVersion.substring(apiVersion.indexOf('/') + 1),
              kind);
    };
  }

  /** Every field of {@code expected} is in {@code actual} with the same value. */
  private static void assertContains(
      com.fasterxml.jackson.databind.JsonNode expected,
      com.fasterxml.jackson.databind.JsonNode actual,
      String where) {
    if (!expected.isObject()) {
      assertEquals(expected, actual, where);
      return;
    }
    Iterator<Map.Entry<String, com.fasterxml.jackson.databind.JsonNode>> it = expected.fields();
    while (it.hasNext()) {
      var e = it.next();
      assertTrue(actual.has(e.getKey()), where + "." + e.getKey() + " kept");
      assertContains(e.getValue(), actual.get(e.getKey()), where + "." + e.getKey());
    }
  }
}
