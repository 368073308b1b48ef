package dev.flotilla.agent.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.policies.conditions.Conditions;
import dev.flotilla.policies.interpreter.Customizations;
import dev.flotilla.policies.interpreter.ResourceInterpreter;
import dev.flotilla.policies.interpreter.Script;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkStatusBuilderTest {
  private static final Gvr DEPLOYMENTS = new Gvr("apps", "v1", "deployments", "Deployment", true);
  private static final Gvr CONFIGMAPS = new Gvr("", "v1", "configmaps", "ConfigMap", true);
  private static final String NOW = "2026-01-01T00:00:00Z";

  private static ManifestResult deployment(int ordinal, int available) {
    ObjectNode live =
        ManifestsTest.parse(
            "{'apiVersion':'apps/v1','kind':'Deployment',"
                + "'metadata':{'name':'web','namespace':'shop','generation':1},'spec':{'replicas':2},"
                + "'status':{'observedGeneration':1,'updatedReplicas':2,'readyReplicas':"
                + available
                + ",'availableReplicas':"
                + available
                + "}}");
    return new ManifestResult(
        ordinal,
        DEPLOYMENTS,
        "apps/v1",
        "Deployment",
        "shop",
        "web",
        ApplyOutcome.PATCHED,
        live,
        null);
  }

  @Test
  void reportsIdentifiersStatusHealthAndConditionsInManifestOrder() {
    ManifestResult cm =
        new ManifestResult(
            0,
            CONFIGMAPS,
            "v1",
            "ConfigMap",
            "shop",
            "c",
            ApplyOutcome.NOOP,
            ManifestsTest.parse("{'apiVersion':'v1','kind':'ConfigMap'}"),
            null);
    ObjectNode status =
        WorkStatusBuilder.build(
            null, List.of(deployment(1, 2), cm), 4, NOW, new ResourceInterpreter());
    JsonNode statuses = status.path("manifestStatuses");
    assertEquals("c", statuses.get(0).path("identifier").path("name").asText());
    assertEquals("", statuses.get(0).path("identifier").path("group").asText());
    assertFalse(statuses.get(0).has("status"), "objects without status report none");
    JsonNode deploy = statuses.get(1);
    assertEquals(
        "{\"ordinal\":1,\"group\":\"apps\",\"version\":\"v1\",\"kind\":\"Deployment\","
            + "\"resource\":\"deployments\",\"namespace\":\"shop\",\"name\":\"web\"}",
        deploy.path("identifier").toString());
    assertEquals(2, deploy.path("status").path("readyReplicas").asInt());
    assertEquals("Healthy", deploy.path("health").asText());
    JsonNode applied = Conditions.find(status.path("conditions"), "Applied");
    assertEquals("True", applied.path("status").asText());
    assertEquals("AppliedSuccessful", applied.path("reason").asText());
    assertEquals(4, applied.path("observedGeneration").asInt());
    assertTrue(Conditions.isTrue(status.path("conditions"), "Available"));
    assertFalse(Conditions.isTrue(status.path("conditions"), "Degraded"));
  }

  @Test
  void failuresAndUnhealthyObjectsShowInConditions() {
    ManifestResult conflict =
        new ManifestResult(
            0,
            CONFIGMAPS,
            "v1",
            "ConfigMap",
            "shop",
            "c",
            ApplyOutcome.CONFLICT,
            ManifestsTest.parse("{'status':{'x':1}}"),
            ManifestApplier.CONFLICT_MESSAGE);
    ObjectNode status =
        WorkStatusBuilder.build(
            null, List.of(conflict, deployment(1, 0)), 1, NOW, new ResourceInterpreter());
    JsonNode applied = Conditions.find(status.path("conditions"), "Applied");
    assertEquals("False", applied.path("status").asText());
    assertEquals("AppliedFailed", applied.path("reason").asText());
    assertEquals(
        "Failed to apply all manifests (1/2): ConfigMap shop/c: "
            + ManifestApplier.CONFLICT_MESSAGE,
        applied.path("message").asText());
    assertEquals("Unknown", status.path("manifestStatuses").get(0).path("health").asText());
    assertFalse(
        status.path("manifestStatuses").get(0).has("status"),
        "an object the Work does not own reports no status");
    assertEquals(
        "False", Conditions.find(status.path("conditions"), "Available").path("status").asText());
    assertTrue(Conditions.isTrue(status.path("conditions"), "Degraded"));
  }

  @Test
  void aFailingHealthScriptLeavesHealthUnknownAndSaysWhy() {
    ResourceInterpreter interpreter = new ResourceInterpreter();
    interpreter.setCustomizations(
        Customizations.of(
            List.of(
                ManifestsTest.parse(
                    "{'metadata':{'name':'bad'},'spec':{'target':{'apiVersion':'apps/v1',"
                        + "'kind':'Deployment'},'customizations':{'healthInterpretation':"
                        + "{'luaScript':'function InterpretHealth(o) error([[no way]]) end'}}}}")),
            Script.CUSTOMIZATION));
    ObjectNode status =
        WorkStatusBuilder.build(null, List.of(deployment(0, 2)), 1, NOW, interpreter);
    assertEquals("Unknown", status.path("manifestStatuses").get(0).path("health").asText());
    JsonNode available = Conditions.find(status.path("conditions"), "Available");
    assertEquals("InterpretFailed", available.path("reason").asText());
    assertTrue(
        available.path("message").asText().contains("ResourceInterpreterCustomization \"bad\""),
        available.toString());
    assertTrue(available.path("message").asText().contains("no way"), available.toString());
  }
}
