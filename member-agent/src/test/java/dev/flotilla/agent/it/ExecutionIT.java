package dev.flotilla.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.fixtures.Await;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Work execution against a real hub and a real member API server over HTTPS. */
class ExecutionIT {
  private static final String CLUSTER = "member1";
  private static final String ES = "karmada-es-" + CLUSTER;

  @RegisterExtension
  static final AgentRig rig = AgentRig.servers(CLUSTER).withExecutionNamespace().withAgent();

  private static ConfigMap configMap(String ns, String name) {
    return rig.member().configMaps().inNamespace(ns).withName(name).get();
  }

  private static Deployment deployment(String ns, String name) {
    return rig.member().apps().deployments().inNamespace(ns).withName(name).get();
  }

  private static ObjectNode awaitApplied(String work, String status) {
    return Await.until(
        "Work " + work + " Applied=" + status,
        () -> Works.get(rig.hub(), ES, work),
        w -> w != null && status.equals(Works.condition(w, "Applied")));
  }

  @Test
  void appliesUpdatesPrunesAndDeletesAWork() {
    ObjectNode work =
        Works.work(
            ES,
            "shop",
            List.of(
                Works.namespace("shop"),
                Works.configMap("shop", "settings", Map.of("color", "blue")),
                Works.deployment("shop", "web", 2, "nginx:1.27")));
    Json.metadataOf(work)
        .putObject("annotations")
        .put("resourcetemplate.karmada.io/uid", "template-uid-1");
    Works.create(rig.hub(), work);

    ConfigMap cm =
        Await.until("ConfigMap in member", () -> configMap("shop", "settings"), c -> c != null);
    assertEquals("blue", cm.getData().get("color"));
    assertEquals("true", cm.getMetadata().getLabels().get("karmada.io/managed"));
    Map<String, String> annotations = cm.getMetadata().getAnnotations();
    assertEquals("shop", annotations.get("work.karmada.io/name"));
    assertEquals(ES, annotations.get("work.karmada.io/namespace"));
    assertEquals("template-uid-1", annotations.get("resourcetemplate.karmada.io/uid"));
    Await.until("Deployment in member", () -> deployment("shop", "web") != null);
    assertEquals(
        "true",
        rig.member()
            .namespaces()
            .withName("shop")
            .get()
            .getMetadata()
            .getLabels()
            .get("karmada.io/managed"));

    ObjectNode applied = awaitApplied("shop", "True");
    assertTrue(
        applied
            .path("metadata")
            .path("finalizers")
            .toString()
            .contains("karmada.io/execution-controller"));
    JsonNode statuses = applied.path("status").path("manifestStatuses");
    assertEquals(3, statuses.size());
    JsonNode deployId = statuses.get(2).path("identifier");
    assertEquals(2, deployId.path("ordinal").asInt());
    assertEquals("apps", deployId.path("group").asText());
    assertEquals("v1", deployId.path("version").asText());
    assertEquals("Deployment", deployId.path("kind").asText());
    assertEquals("deployments", deployId.path("resource").asText());
    assertEquals("shop", deployId.path("namespace").asText());
    assertEquals("web", deployId.path("name").asText());
    assertEquals("Healthy", statuses.get(1).path("health").asText());
    assertEquals(
        "Unhealthy",
        statuses.get(2).path("health").asText(),
        "no controller has rolled the Deployment out yet");
    assertEquals("False", Works.condition(applied, "Available"));
    assertEquals("True", Works.condition(applied, "Degraded"));

    // The member's controllers report progress; the Work status follows.
    // The agent may still be applying the Deployment (its status write follows each apply): a
    // member controller retries a status write that lost the race, and so does this one.
    for (int attempt = 1; ; attempt++) {
      Deployment live = deployment("shop", "web");
      try {
        rig.member()
            .apps()
            .deployments()
            .inNamespace("shop")
            .withName("web")
            .editStatus(
                d -> {
                  d.setStatus(new io.fabric8.kubernetes.api.model.apps.DeploymentStatus());
                  d.getStatus().setObservedGeneration(live.getMetadata().getGeneration());
                  d.getStatus().setReplicas(2);
                  d.getStatus().setUpdatedReplicas(2);
                  d.getStatus().setReadyReplicas(2);
                  d.getStatus().setAvailableReplicas(2);
                  return d;
                });
        break;
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 5) {
          throw e;
        }
      }
    }
    ObjectNode followed =
        Await.until(
            "Work status follows Deployment status",
            () -> Works.get(rig.hub(), ES, "shop"),
            w ->
                w.path("status")
                        .path("manifestStatuses")
                        .get(2)
                        .path("status")
                        .path("readyReplicas")
                        .asInt()
                    == 2);
    assertEquals(
        "Healthy", followed.path("status").path("manifestStatuses").get(2).path("health").asText());
    Await.until(
        "Work Available",
        () -> "True".equals(Works.condition(Works.get(rig.hub(), ES, "shop"), "Available")));

    // Updating the Work updates the member.
    Works.edit(
        rig.hub(),
        ES,
        "shop",
        w -> ((ObjectNode) Works.manifests(w).get(1).path("data")).put("color", "green"));
    Await.until(
        "ConfigMap updated",
        () -> "green".equals(configMap("shop", "settings").getData().get("color")));

    // Removing a manifest prunes its object, and only it.
    Works.edit(rig.hub(), ES, "shop", w -> Works.manifests(w).remove(1));
    Await.until("ConfigMap pruned", () -> configMap("shop", "settings") == null);
    assertNotNull(deployment("shop", "web"));
    Await.until(
        "status lists two manifests",
        () -> Works.get(rig.hub(), ES, "shop").path("status").path("manifestStatuses").size() == 2);

    // Deleting the Work prunes everything, then the finalizer goes and so does the Work.
    Works.delete(rig.hub(), ES, "shop");
    Await.until("Deployment pruned", () -> deployment("shop", "web") == null);
    Await.until("Namespace pruned", () -> rig.member().namespaces().withName("shop").get() == null);
    Await.until("Work gone", () -> Works.get(rig.hub(), ES, "shop") == null);
  }

  @Test
  void preserveResourcesOnDeletionKeepsMemberObjects() {
    ObjectNode work =
        Works.work(ES, "kept", List.of(Works.configMap("keep", "stays", Map.of("k", "v"))));
    ((ObjectNode) work.get("spec")).put("preserveResourcesOnDeletion", true);
    Works.create(rig.hub(), work);
    awaitApplied("kept", "True");
    assertNotNull(configMap("keep", "stays"));

    Works.delete(rig.hub(), ES, "kept");
    Await.until("Work gone", () -> Works.get(rig.hub(), ES, "kept") == null);
    ConfigMap cm = configMap("keep", "stays");
    assertNotNull(cm, "preserveResourcesOnDeletion keeps the object");
    assertEquals("v", cm.getData().get("k"));
    Map<String, String> labels = cm.getMetadata().getLabels();
    assertTrue(
        labels == null || !labels.containsKey("karmada.io/managed"),
        "a preserved object is released from Karmada management");
  }

  @Test
  void abortLeavesAnUnmanagedObjectAndOverwriteTakesItOver() {
    Works.ensureNamespace(rig.member(), "legacy");
    rig.member()
        .configMaps()
        .inNamespace("legacy")
        .resource(
            new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                .withNewMetadata()
                .withName("existing")
                .endMetadata()
                .withData(Map.of("owner", "someone-else"))
                .build())
        .create();

    Works.create(
        rig.hub(),
        Works.work(
            ES,
            "takeover",
            List.of(Works.configMap("legacy", "existing", Map.of("owner", "karmada")))));
    ObjectNode failed = awaitApplied("takeover", "False");
    assertEquals(
        "AppliedFailed", failed.path("status").path("conditions").get(0).path("reason").asText());
    assertTrue(
        Works.conditionMessage(failed, "Applied")
            .contains(
                "the resource already exists"
                    + " in the cluster and is not managed by Karmada; set conflictResolution Overwrite to"
                    + " take it over"),
        Works.conditionMessage(failed, "Applied"));
    ConfigMap untouched = configMap("legacy", "existing");
    assertEquals("someone-else", untouched.getData().get("owner"));
    assertFalse(
        untouched.getMetadata().getLabels() != null
            && untouched.getMetadata().getLabels().containsKey("karmada.io/managed"));

    Works.edit(
        rig.hub(),
        ES,
        "takeover",
        w ->
            Json.metadataOf(w)
                .putObject("annotations")
                .put("work.karmada.io/conflict-resolution", "overwrite"));
    awaitApplied("takeover", "True");
    ConfigMap taken = configMap("legacy", "existing");
    assertEquals("karmada", taken.getData().get("owner"));
    assertEquals("true", taken.getMetadata().getLabels().get("karmada.io/managed"));
    assertEquals(untouched.getMetadata().getUid(), taken.getMetadata().getUid());
  }

  @Test
  void appliesACrdBeforeItsCustomResources() {
    String group = "shapes.example.com";
    // The custom resource comes first in the Work; the agent still applies the CRD first.
    Works.create(
        rig.hub(),
        Works.work(
            ES,
            "widgets",
            List.of(
                Works.widget(group, "gadgets", "small", "S"),
                Works.widgetCrd(group),
                Works.widget(group, null, "plain", "M"))));
    ObjectNode applied = awaitApplied("widgets", "True");
    JsonNode statuses = applied.path("status").path("manifestStatuses");
    assertEquals("widgets", statuses.get(0).path("identifier").path("resource").asText());
    assertEquals(group, statuses.get(0).path("identifier").path("group").asText());
    var widget =
        rig.member()
            .genericKubernetesResources(group + "/v1", "Widget")
            .inNamespace("gadgets")
            .withName("small")
            .get();
    assertNotNull(widget);
    assertEquals("true", widget.getMetadata().getLabels().get("karmada.io/managed"));
    assertNotNull(
        rig.member()
            .genericKubernetesResources(group + "/v1", "Widget")
            .inNamespace("default")
            .withName("plain")
            .get(),
        "a manifest without a namespace lands" + " in default and is not mistaken for a leftover");
  }

  @Test
  void suspendedWorksAreLeftAlone() {
    ObjectNode suspended =
        Works.work(ES, "paused", List.of(Works.configMap("pause", "later", Map.of("k", "v"))));
    ((ObjectNode) suspended.get("spec")).put("suspendDispatching", true);
    Works.create(rig.hub(), suspended);
    // A Work created afterwards is applied: by then the suspended one has been looked at.
    Works.create(
        rig.hub(),
        Works.work(
            ES,
            "after-pause",
            List.of(Works.configMap("pause-marker", "marker", Map.of("k", "v")))));
    awaitApplied("after-pause", "True");
    assertNull(configMap("pause", "later"));
    ObjectNode paused = Works.get(rig.hub(), ES, "paused");
    assertFalse(
        paused
            .path("metadata")
            .path("finalizers")
            .toString()
            .contains("karmada.io/execution-controller"));

    Works.edit(
        rig.hub(),
        ES,
        "paused",
        w -> ((ObjectNode) w.get("spec")).put("suspendDispatching", false));
    awaitApplied("paused", "True");
    assertNotNull(configMap("pause", "later"));
  }

  @Test
  void fieldsDroppedFromAManifestAreRemovedFromTheMember() {
    Works.create(
        rig.hub(),
        Works.work(
            ES,
            "shrinking",
            List.of(Works.configMap("shrink", "settings", Map.of("a", "1", "b", "2")))));
    awaitApplied("shrinking", "True");
    Works.edit(
        rig.hub(),
        ES,
        "shrinking",
        w -> ((ObjectNode) Works.manifests(w).get(0).path("data")).remove("b"));
    // Server-side apply removes fields the manager owned and no longer applies.
    Await.until(
        "key b removed by server-side apply",
        () -> !configMap("shrink", "settings").getData().containsKey("b"));
    assertEquals("1", configMap("shrink", "settings").getData().get("a"));
  }

  /**
   * The agent skips the watch event of the version its own apply returned (OwnApplies); a change
   * someone makes in the member after that apply is still news, and the Work's content comes back.
   */
  @Test
  void anObjectEditedInTheMemberAfterTheApplyIsRestored() {
    Works.create(
        rig.hub(),
        Works.work(
            ES,
            "drift",
            List.of(
                Works.namespace("drift"),
                Works.configMap("drift", "settings", Map.of("color", "blue")))));
    awaitApplied("drift", "True");
    Await.until("ConfigMap in member", () -> configMap("drift", "settings"), c -> c != null);
    rig.member()
        .configMaps()
        .inNamespace("drift")
        .withName("settings")
        .edit(
            c -> {
              c.getData().put("color", "red");
              return c;
            });
    Await.until(
        "the Work's content restored in the member",
        () -> configMap("drift", "settings"),
        c -> "blue".equals(c.getData().get("color")));
  }
}
