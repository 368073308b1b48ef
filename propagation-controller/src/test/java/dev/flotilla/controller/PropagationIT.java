package dev.flotilla.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.apiserver.it.TestHub;
import dev.flotilla.controller.runtime.Kinds;
import dev.flotilla.controller.runtime.Trees;
import dev.flotilla.fixtures.Await;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The hub side of propagation over real HTTPS: templates and policies in, bindings scheduled and
 * Works written per cluster out, with Clusters registered by hand (no agents).
 */
class PropagationIT {
  private static TestHub hub;
  private static KubernetesClient client;
  private static ControllerManager controllers;

  @BeforeAll
  static void start() throws Exception {
    hub = TestHub.start();
    client = hub.client();
    for (String[] c :
        new String[][] {
          {"member1", "region-a", "dev"},
          {"member2", "region-a", "prod"},
          {"member3", "region-b", "prod"}
        }) {
      cluster(c[0], c[1], c[2]);
    }
    controllers = new ControllerManager(client, "test").start();
  }

  @AfterAll
  static void stop() {
    controllers.close();
    client.close();
    hub.close();
  }

  private static void cluster(String name, String region, String env) {
    String yaml =
        "apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata:\n  name: "
            + name
            + "\n  labels:\n    env: "
            + env
            + "\nspec:\n  syncMode: Push\n  region: "
            + region
            + "\n  apiEndpoint: https://"
            + name
            + ".example:6443\n";
    GenericKubernetesResource created =
        client
            .genericKubernetesResources(Kinds.CLUSTER)
            .load(new java.io.ByteArrayInputStream(yaml.getBytes()))
            .create();
    var tree = Trees.tree(created);
    var status = tree.putObject("status");
    status.put("kubernetesVersion", "v1.33.0");
    var api = status.putArray("apiEnablements");
    api.addObject()
        .put("groupVersion", "apps/v1")
        .putArray("resources")
        .addObject()
        .put("name", "deployments")
        .put("kind", "Deployment");
    api.addObject()
        .put("groupVersion", "v1")
        .putArray("resources")
        .addObject()
        .put("name", "configmaps")
        .put("kind", "ConfigMap");
    var cond = status.putArray("conditions");
    cond.addObject()
        .put("type", "Ready")
        .put("status", "True")
        .put("reason", "ClusterReady")
        .put("lastTransitionTime", "2026-11-21T00:00:00Z")
        .put("message", "ok");
    cond.addObject()
        .put("type", "CompleteAPIEnablements")
        .put("status", "True")
        .put("reason", "Complete")
        .put("lastTransitionTime", "2026-11-21T00:00:00Z")
        .put("message", "ok");
    client.genericKubernetesResources(Kinds.CLUSTER).resource(Trees.generic(tree)).updateStatus();
  }

  private static void apply(String yaml) {
    client.load(new java.io.ByteArrayInputStream(yaml.getBytes())).serverSideApply();
  }

  @Test
  void deploymentPropagatesByLabelSelectorWithDividedReplicasAndOverrides() {
    apply(
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: default}
        spec:
          replicas: 4
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec: {containers: [{name: web, image: nginx:1.25}]}
        ---
        apiVersion: policy.karmada.io/v1alpha1
        kind: PropagationPolicy
        metadata: {name: web, namespace: default}
        spec:
          resourceSelectors: [{apiVersion: apps/v1, kind: Deployment, name: web}]
          placement:
            clusterAffinity: {labelSelector: {matchLabels: {env: prod}}}
            replicaScheduling:
              replicaSchedulingType: Divided
              replicaDivisionPreference: Weighted
              weightPreference:
                staticWeightList:
                - {targetCluster: {clusterNames: [member2]}, weight: 3}
                - {targetCluster: {clusterNames: [member3]}, weight: 1}
        ---
        apiVersion: policy.karmada.io/v1alpha1
        kind: OverridePolicy
        metadata: {name: web-images, namespace: default}
        spec:
          resourceSelectors: [{apiVersion: apps/v1, kind: Deployment, name: web}]
          overrideRules:
          - targetCluster: {clusterNames: [member3]}
            overriders:
              imageOverrider: [{component: Registry, operator: replace, value: mirror.example}]
        """);
    JsonNode work2 = await(() -> work("member2", "web", "Deployment"));
    JsonNode work3 = await(() -> work("member3", "web", "Deployment"));
    JsonNode m2 = work2.path("spec").path("workload").path("manifests").path(0);
    JsonNode m3 = work3.path("spec").path("workload").path("manifests").path(0);
    assertEquals(3, m2.path("spec").path("replicas").asInt(), m2.toString());
    assertEquals(1, m3.path("spec").path("replicas").asInt(), m3.toString());
    assertEquals(
        "mirror.example/nginx:1.25",
        m3.path("spec")
            .path("template")
            .path("spec")
            .path("containers")
            .path(0)
            .path("image")
            .asText());
    assertEquals(
        "nginx:1.25",
        m2.path("spec")
            .path("template")
            .path("spec")
            .path("containers")
            .path(0)
            .path("image")
            .asText());
    assertTrue(work("member1", "web", "Deployment") == null, "member1 is env=dev and not selected");
    GenericKubernetesResource rb =
        client
            .genericKubernetesResources(Kinds.RESOURCE_BINDING)
            .inNamespace("default")
            .withName("web-deployment")
            .get();
    assertNotNull(rb);
    assertEquals(
        "web",
        client
            .apps()
            .deployments()
            .inNamespace("default")
            .withName("web")
            .get()
            .getMetadata()
            .getAnnotations()
            .get("propagationpolicy.karmada.io/name"));
  }

  @Test
  void unschedulableBindingSaysWhy() {
    apply(
        """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: nowhere, namespace: default}
        data: {a: b}
        ---
        apiVersion: policy.karmada.io/v1alpha1
        kind: PropagationPolicy
        metadata: {name: nowhere, namespace: default}
        spec:
          resourceSelectors: [{apiVersion: v1, kind: ConfigMap, name: nowhere}]
          placement:
            clusterAffinity: {clusterNames: [member9]}
        """);
    JsonNode condition =
        await(
            () -> {
              GenericKubernetesResource rb =
                  client
                      .genericKubernetesResources(Kinds.RESOURCE_BINDING)
                      .inNamespace("default")
                      .withName("nowhere-configmap")
                      .get();
              if (rb == null) {
                return null;
              }
              for (JsonNode c : Trees.tree(rb).path("status").path("conditions")) {
                if (c.path("type").asText().equals("Scheduled")) {
                  return c;
                }
              }
              return null;
            });
    assertEquals("False", condition.path("status").asText());
    assertTrue(
        condition.path("message").asText().contains("0/3 clusters are available"),
        condition.toString());
  }

  @Test
  void deletingTheTemplateRemovesItsWorks() {
    apply(
        """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: short-lived, namespace: default}
        data: {a: b}
        ---
        apiVersion: policy.karmada.io/v1alpha1
        kind: PropagationPolicy
        metadata: {name: short-lived, namespace: default}
        spec:
          resourceSelectors: [{apiVersion: v1, kind: ConfigMap, name: short-lived}]
          placement:
            clusterAffinity: {clusterNames: [member1, member2]}
        """);
    await(() -> work("member1", "short-lived", "ConfigMap"));
    await(() -> work("member2", "short-lived", "ConfigMap"));
    assertTrue(
        work("member1", "short-lived", "ConfigMap")
            .path("metadata")
            .path("finalizers")
            .toString()
            .contains("karmada.io/execution-controller"),
        "Works are created with the execution controller's finalizer");
    client.configMaps().inNamespace("default").withName("short-lived").delete();
    // No agent runs here: the execution finalizer keeps each Work, marked for deletion, until an
    // agent has pruned its member.
    await(() -> deleting(work("member1", "short-lived", "ConfigMap")));
    await(() -> deleting(work("member2", "short-lived", "ConfigMap")));
  }

  private static String deleting(JsonNode work) {
    return work == null || work.path("metadata").has("deletionTimestamp") ? "deleting" : null;
  }

  private static JsonNode work(String cluster, String name, String kind) {
    List<GenericKubernetesResource> works =
        client
            .genericKubernetesResources(Kinds.WORK)
            .inNamespace("karmada-es-" + cluster)
            .list()
            .getItems();
    for (GenericKubernetesResource w : works) {
      JsonNode m = Trees.tree(w).path("spec").path("workload").path("manifests").path(0);
      if (name.equals(m.path("metadata").path("name").asText())
          && kind.equals(m.path("kind").asText())) {
        return Trees.tree(w);
      }
    }
    return null;
  }

  static <T> T await(Supplier<T> probe) {
    return Await.until("a Work's expected state", probe::get);
  }
}
