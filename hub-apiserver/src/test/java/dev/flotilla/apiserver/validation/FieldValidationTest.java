package dev.flotilla.apiserver.validation;

import static dev.flotilla.apiserver.validation.Fixtures.builtin;
import static dev.flotilla.apiserver.validation.Fixtures.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.registry.ResourceType;
import dev.flotilla.policies.crd.CrdManifests;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Unknown and duplicate fields of built-in kinds under each fieldValidation directive. */
class FieldValidationTest {
  private static final String DEPLOYMENT =
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web, labels: {app: web}, bogus: 1}
      spec:
        replicas: 2
        foo: bar
        selector: {matchLabels: {app: web}}
        strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 25%, maxUnavailable: 1}}
        template:
          metadata: {labels: {app: web}, annotations: {note: x}}
          spec:
            containers:
            - name: web
              image: nginx
              ports: [{containerPort: 80, colour: red}]
              resources: {limits: {cpu: "1"}}
      """;
  private static final List<String> UNKNOWN =
      List.of(
          "unknown field \"metadata.bogus\"",
          "unknown field \"spec.foo\"",
          "unknown field \"spec.template.spec.containers[0].ports[0].colour\"");

  private final SchemaAdmission admission = Fixtures.admission();
  private final ResourceType deployments = builtin("apps", "v1", "deployments");

  @Test
  void strictRejectsEveryUnknownFieldInUpstreamWording() {
    ApiException e =
        assertThrows(
            ApiException.class,
            () ->
                admission.decode(
                    deployments,
                    yaml(DEPLOYMENT),
                    null,
                    new WriteContext("create", FieldValidation.STRICT)));
    assertEquals(400, e.code());
    assertEquals("BadRequest", e.reason());
    assertEquals(
        "Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding"
            + " error: "
            + String.join(", ", UNKNOWN),
        e.getMessage());
  }

  @Test
  void patchesGetThePlainStrictDecodingError() {
    ApiException e =
        assertThrows(
            ApiException.class,
            () ->
                admission.decode(
                    deployments,
                    yaml(DEPLOYMENT),
                    yaml(DEPLOYMENT.replace("foo: bar", "")),
                    new WriteContext("patch", FieldValidation.STRICT)));
    assertTrue(
        e.getMessage().startsWith("strict decoding error: unknown field \"spec.foo\""),
        e.getMessage());
  }

  @Test
  void warnDropsTheFieldsAndWarnsAboutEach() {
    ObjectNode obj = yaml(DEPLOYMENT);
    WriteContext ctx = new WriteContext("create", FieldValidation.WARN);
    admission.decode(deployments, obj, null, ctx);
    assertEquals(UNKNOWN, ctx.warnings());
    assertFalse(obj.path("spec").has("foo"));
    assertFalse(obj.path("metadata").has("bogus"));
    assertEquals("web", obj.at("/metadata/labels/app").asText());
    assertEquals("x", obj.at("/spec/template/metadata/annotations/note").asText());
    assertEquals("25%", obj.at("/spec/strategy/rollingUpdate/maxSurge").asText());
    assertEquals("1", obj.at("/spec/template/spec/containers/0/resources/limits/cpu").asText());
    assertEquals(80, obj.at("/spec/template/spec/containers/0/ports/0/containerPort").asInt());
    assertFalse(obj.at("/spec/template/spec/containers/0/ports/0").has("colour"));
  }

  @Test
  void ignoreDropsTheFieldsSilently() {
    ObjectNode obj = yaml(DEPLOYMENT);
    WriteContext ctx = new WriteContext("update", FieldValidation.IGNORE);
    admission.decode(deployments, obj, null, ctx);
    assertEquals(List.of(), ctx.warnings());
    assertFalse(obj.path("spec").has("foo"));
  }

  @Test
  void internalWritesIgnore() {
    assertEquals(FieldValidation.IGNORE, WriteContext.current().directive());
    assertEquals(
        FieldValidation.STRICT,
        new WriteContext("create", FieldValidation.STRICT)
            .call(() -> WriteContext.current().directive()));
  }

  @Test
  void updatesReportOnlyFieldsTheOldObjectDidNotCarry() {
    ObjectNode old = yaml(DEPLOYMENT);
    ObjectNode updated = yaml(DEPLOYMENT.replace("foo: bar", "foo: bar\n  extra: 1"));
    ApiException e =
        assertThrows(
            ApiException.class,
            () ->
                admission.decode(
                    deployments, updated, old, new WriteContext("update", FieldValidation.STRICT)));
    assertTrue(
        e.getMessage().endsWith("strict decoding error: unknown field \"spec.extra\""),
        e.getMessage());
  }

  @Test
  void duplicateFieldsJoinTheStrictError() {
    WriteContext ctx = new WriteContext("create", FieldValidation.STRICT);
    ctx.addBodyProblem("duplicate field \"spec.replicas\"");
    ApiException e =
        assertThrows(
            ApiException.class,
            () ->
                admission.decode(deployments, yaml(DEPLOYMENT.replace("foo: bar", "")), null, ctx));
    assertTrue(
        e.getMessage()
            .endsWith(
                "strict decoding error: duplicate field"
                    + " \"spec.replicas\", unknown field \"metadata.bogus\", unknown field"
                    + " \"spec.template.spec.containers[0].ports[0].colour\""),
        e.getMessage());
  }

  @Test
  void openSchemasKeepWhatTheyHold() {
    ObjectNode revision =
        yaml(
            """
        apiVersion: apps/v1
        kind: ControllerRevision
        metadata:
          name: r1
          managedFields: [{manager: m, fieldsType: FieldsV1, fieldsV1: {"f:data": {}}}]
        revision: 1
        data: {anything: {nested: [1, 2]}}
        """);
    WriteContext ctx = new WriteContext("create", FieldValidation.STRICT);
    admission.decode(builtin("apps", "v1", "controllerrevisions"), revision, null, ctx);
    assertEquals(2, revision.at("/data/anything/nested").size());
    assertTrue(revision.at("/metadata/managedFields/0/fieldsV1").has("f:data"));
  }

  @Test
  void everyFlotillaCrdManifestDecodesStrictly() {
    ResourceType crds = builtin("apiextensions.k8s.io", "v1", "customresourcedefinitions");
    for (ObjectNode crd : CrdManifests.load()) {
      ObjectNode copy = crd.deepCopy();
      admission.decode(crds, copy, null, new WriteContext("create", FieldValidation.STRICT));
      assertEquals(crd, copy, "nothing pruned from " + crd.at("/metadata/name"));
    }
  }

  @Test
  void unknownDirectiveIsInvalidOptions() {
    ApiException e =
        assertThrows(ApiException.class, () -> FieldValidation.parse("strict", "patch"));
    assertEquals(422, e.code());
    assertEquals(
        "PatchOptions.meta.k8s.io \"\" is invalid: fieldValidation: Unsupported value:"
            + " \"strict\": supported values: \"Ignore\", \"Warn\", \"Strict\"",
        e.getMessage());
    assertEquals(FieldValidation.WARN, FieldValidation.parse(null, "create"));
  }
}
