package dev.flotilla.policies.interpreter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.flotilla.policies.dependencies.DependentObject;
import dev.flotilla.policies.status.Health;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResourceInterpreterTest {
  private static final YAMLMapper YAML = new YAMLMapper();

  static JsonNode yaml(String text) {
    try {
      return YAML.readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  static JsonNode customization(String name, String apiVersion, String kind, String rules) {
    return yaml(
        "apiVersion: config.karmada.io/v1alpha1\nkind: ResourceInterpreterCustomization\n"
            + "metadata: {name: "
            + name
            + "}\nspec:\n  target: {apiVersion: "
            + apiVersion
            + ", kind: "
            + kind
            + "}\n  customizations:\n"
            + rules);
  }

  private static final JsonNode CLONESET =
      yaml(
          """
          apiVersion: apps.kruise.io/v1alpha1
          kind: CloneSet
          metadata: {name: web, namespace: ns, generation: 2}
          spec:
            replicas: 3
            template:
              spec:
                serviceAccountName: robot
                containers:
                - name: c
                  resources: {requests: {cpu: 100m}}
                  envFrom: [{configMapRef: {name: settings}}]
          status: {observedGeneration: 2, updatedReplicas: 3, availableReplicas: 3}
          """);

  @Test
  void thirdPartyCloneSetIsInterpretedWithoutAnyCustomization() {
    ResourceInterpreter interpreter = new ResourceInterpreter();
    ResourceInterpreter.Replicas r = interpreter.replicas(CLONESET).orElseThrow();
    assertEquals(3, r.replicas());
    assertEquals("100m", r.requirements().path("resourceRequest").path("cpu").asText());
    assertEquals(Health.HEALTHY, interpreter.health(CLONESET));
    ObjectNode rolling = CLONESET.deepCopy();
    rolling.with("status").put("availableReplicas", 1);
    assertEquals(Health.UNHEALTHY, interpreter.health(rolling));
    assertEquals(
        List.of(
            new DependentObject("v1", "ConfigMap", "ns", "settings"),
            new DependentObject("v1", "ServiceAccount", "ns", "robot")),
        interpreter.dependencies(CLONESET));
    assertEquals(
        5,
        interpreter.reviseReplica(CLONESET, 5).orElseThrow().path("spec").path("replicas").asInt());
  }

  @Test
  void aCustomizationWinsOverTheThirdPartyScript() {
    ResourceInterpreter interpreter = new ResourceInterpreter();
    interpreter.setCustomizations(
        Customizations.of(
            List.of(
                customization(
                    "mine",
                    "apps.kruise.io/v1alpha1",
                    "CloneSet",
                    "    healthInterpretation: {luaScript: 'function InterpretHealth(o) return false end'}\n")),
            Script.CUSTOMIZATION));
    assertEquals(Health.UNHEALTHY, interpreter.health(CLONESET));
    // Operations the customization leaves out still come from the third-party script.
    assertEquals(3, interpreter.replicas(CLONESET).orElseThrow().replicas());
  }

  @Test
  void theBuiltInRulesApplyWhenNoScriptDoes() {
    ResourceInterpreter interpreter = new ResourceInterpreter();
    JsonNode deployment =
        yaml(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, generation: 1}\n"
                + "spec: {replicas: 2}\nstatus: {observedGeneration: 1, updatedReplicas: 2}\n");
    assertTrue(interpreter.replicas(deployment).isEmpty());
    assertEquals(Health.UNHEALTHY, interpreter.health(deployment));
    assertNull(interpreter.reflectStatus(yaml("{apiVersion: v1, kind: ConfigMap}")));
  }

  @Test
  void aFailingScriptNamesTheCustomizationAndIsNeverReplacedByTheBuiltInRule() {
    ResourceInterpreter interpreter = new ResourceInterpreter();
    interpreter.setCustomizations(
        Customizations.of(
            List.of(
                customization(
                    "broken",
                    "apps/v1",
                    "Deployment",
                    "    healthInterpretation: {luaScript: 'function InterpretHealth(o) return o.status.nope.x end'}\n"
                        + "    replicaResource: {luaScript: 'function GetReplicas(o) return \"many\" end'}\n")),
            Script.CUSTOMIZATION));
    JsonNode deployment = yaml("{apiVersion: apps/v1, kind: Deployment, metadata: {name: d}}");
    InterpretationException e =
        assertThrows(InterpretationException.class, () -> interpreter.health(deployment));
    assertTrue(
        e.getMessage()
            .startsWith(
                "ResourceInterpreterCustomization \"broken\" (healthInterpretation) failed: "),
        e.getMessage());
    assertTrue(e.getMessage().contains("attempt to index"), e.getMessage());
    e = assertThrows(InterpretationException.class, () -> interpreter.replicas(deployment));
    assertTrue(e.getMessage().contains("where a number was expected"), e.getMessage());
  }

  @Test
  void customizationsMergeInNameOrderFirstScriptWins() {
    Customizations c =
        Customizations.of(
            List.of(
                customization("b", "v1", "X", "    retention: {luaScript: 'b'}\n"),
                customization("a", "v1", "X", "    retention: {luaScript: 'a'}\n")),
            Script.CUSTOMIZATION);
    assertEquals("a", c.script("v1", "X", Operation.RETENTION).lua());
  }

  @Test
  void everyShippedCustomizationCompilesAndDefinesItsFunctions() {
    List<JsonNode> shipped = ThirdParty.objects();
    assertTrue(shipped.size() >= 6);
    dev.flotilla.policies.interpreter.lua.LuaSandbox sandbox =
        new dev.flotilla.policies.interpreter.lua.LuaSandbox(
            dev.flotilla.policies.interpreter.lua.LuaLimits.DEFAULT);
    for (JsonNode o : shipped) {
      assertTrue(o.path("metadata").path("name").asText().startsWith("thirdparty-"));
      for (Operation op : Operation.values()) {
        JsonNode lua = o.path("spec").path("customizations").path(op.field()).path("luaScript");
        if (lua.isTextual()) {
          String check =
              lua.asText() + "\nfunction Defined() return " + op.function() + " ~= nil end";
          assertTrue(
              sandbox.call(check, "Defined").arg1().toboolean(),
              o.path("metadata").path("name").asText() + " " + op.field());
        }
      }
    }
  }

  @Test
  void fluxHealthAndAggregation() {
    ResourceInterpreter interpreter = new ResourceInterpreter();
    JsonNode kustomization =
        yaml(
            """
            apiVersion: kustomize.toolkit.fluxcd.io/v1
            kind: Kustomization
            metadata: {name: k, namespace: ns, generation: 1}
            spec: {interval: 1m}
            status:
              conditions:
              - {type: Ready, status: "True", reason: ReconciliationSucceeded, message: ok}
            """);
    assertEquals(Health.HEALTHY, interpreter.health(kustomization));
    JsonNode items =
        yaml(
            """
            - clusterName: m1
              status: {conditions: [{type: Ready, status: "True", reason: ReconciliationSucceeded, message: ok}]}
            - clusterName: m2
              status: {conditions: [{type: Ready, status: "True", reason: ReconciliationSucceeded, message: ok}]}
            """);
    List<JsonNode> list = new java.util.ArrayList<>();
    items.forEach(list::add);
    ObjectNode out = interpreter.aggregateStatus(kustomization, list).orElseThrow();
    assertEquals(
        "m1=ok, m2=ok", out.path("status").path("conditions").path(0).path("message").asText());
  }
}
