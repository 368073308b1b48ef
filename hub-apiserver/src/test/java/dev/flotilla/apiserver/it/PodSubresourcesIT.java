package dev.flotilla.apiserver.it;

import static dev.flotilla.apiserver.it.Fabric8Support.newNamespace;
import static dev.flotilla.apiserver.it.PodFixtures.pod;
import static dev.flotilla.apiserver.it.PodFixtures.post;
import static dev.flotilla.apiserver.it.PodFixtures.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.fixtures.KubectlRunner;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The other pod subresources clients use, with fabric8 and every installed kubectl: {@code kubectl
 * drain} through eviction, {@code pods/binding}, {@code pods/ephemeralcontainers} ({@code kubectl
 * debug}), and {@code deployments/rollback}, which 1.33 no longer serves (404).
 */
class PodSubresourcesIT {
  private static TestHub hub;
  private static KubernetesClient client;

  @BeforeAll
  static void start() {
    hub = TestHub.start();
    client = hub.client();
  }

  @AfterAll
  static void stop() {
    client.close();
    hub.close();
  }

  private static List<KubectlRunner.Binary> oldestAndNewest() {
    List<KubectlRunner.Binary> all = KubectlRunner.installed();
    assumeFalse(all.isEmpty(), KubectlRunner.notInstalledMessage());
    return all.size() == 1 ? all : List.of(all.get(0), all.get(all.size() - 1));
  }

  private static void node(String name) {
    client
        .nodes()
        .resource(new NodeBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
  }

  private static void bind(String ns, String pod, String node) {
    PodFixtures.Raw r =
        post(
            client,
            "/api/v1/namespaces/" + ns + "/pods/" + pod + "/binding",
            "application/json",
            "{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":{\"name\":\""
                + pod
                + "\"},\"target\":{\"kind\":\"Node\",\"name\":\""
                + node
                + "\"}}");
    assertEquals(201, r.code(), r.body());
  }

  private static int ephemeralCount(String ns) {
    return client
        .pods()
        .inNamespace(ns)
        .withName("p")
        .get()
        .getSpec()
        .getEphemeralContainers()
        .size();
  }

  /** The reply has {@code code} and its body says each of {@code fragments}. */
  private static void assertReply(int code, PodFixtures.Raw reply, String... fragments) {
    assertEquals(code, reply.code(), reply.body());
    for (String f : fragments) {
      assertTrue(reply.body().contains(f), reply.body());
    }
  }

  @Test
  void kubectlDrainEvictsAndStopsAtTheBudget() {
    for (KubectlRunner.Binary binary : oldestAndNewest()) {
      String ns = newNamespace(client, "drain");
      String node = "node-" + ns;
      node(node);
      for (String p : List.of("a", "b")) {
        pod(client, ns, p, "drained", "Running", true, null);
        bind(ns, p, node);
      }
      try (KubectlRunner kubectl = KubectlRunner.of(binary, hub.kubeconfig())) {
        KubectlRunner.Result drained =
            kubectl.run("drain", node, "--force", "--timeout=60s").assertOk();
        assertTrue(drained.stdout().contains("evicted"), drained.toString());
        assertTrue(client.pods().inNamespace(ns).list().getItems().isEmpty());
        assertTrue(client.nodes().withName(node).get().getSpec().getUnschedulable());

        String blocked = "blocked-" + ns;
        node(blocked);
        pod(client, ns, "c", "guarded", "Running", true, null);
        bind(ns, "c", blocked);
        client
            .policy()
            .v1()
            .podDisruptionBudget()
            .inNamespace(ns)
            .resource(
                new PodDisruptionBudgetBuilder()
                    .withNewMetadata()
                    .withName("guarded")
                    .endMetadata()
                    .withNewSpec()
                    .withMinAvailable(new IntOrString(1))
                    .withNewSelector()
                    .withMatchLabels(Map.of("app", "guarded"))
                    .endSelector()
                    .endSpec()
                    .build())
            .create();
        KubectlRunner.Result refused =
            kubectl.run(null, Duration.ofSeconds(180), "drain", blocked, "--force", "--timeout=8s");
        refused.assertFails();
        assertTrue(
            (refused.stdout() + refused.stderr())
                .contains("Cannot evict pod as it would violate the pod's disruption budget."),
            refused.toString());
        assertTrue(client.pods().inNamespace(ns).withName("c").get() != null);
      }
    }
  }

  @Test
  void bindingAssignsOnceThenConflicts() {
    String ns = newNamespace(client, "binding");
    pod(client, ns, "p", "bound", "Pending", false, null);
    bind(ns, "p", "node-1");
    Pod bound = client.pods().inNamespace(ns).withName("p").get();
    assertEquals("node-1", bound.getSpec().getNodeName());
    assertTrue(
        bound.getStatus().getConditions().stream()
            .anyMatch(c -> c.getType().equals("PodScheduled") && c.getStatus().equals("True")),
        bound.getStatus().toString());
    String path = "/api/v1/namespaces/" + ns + "/pods/p/binding";
    PodFixtures.Raw again =
        post(
            client,
            path,
            "application/json",
            "{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":{\"name\":\"p\"},"
                + "\"target\":{\"name\":\"node-2\"}}");
    assertReply(409, again, "already assigned to node \\\"node-1\\\"");
    PodFixtures.Raw noTarget =
        post(
            client,
            path,
            "application/json",
            "{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":{\"name\":\"p\"},"
                + "\"target\":{\"kind\":\"Pod\"}}");
    assertReply(422, noTarget, "target.name", "target.kind");
  }

  @Test
  void theLegacyBindingsCollectionBindsThePod() {
    String ns = newNamespace(client, "bindings");
    pod(client, ns, "p", "bound", "Pending", false, null);
    io.fabric8.kubernetes.api.model.Binding binding =
        new io.fabric8.kubernetes.api.model.BindingBuilder()
            .withNewMetadata()
            .withName("p")
            .endMetadata()
            .withNewTarget()
            .withKind("Node")
            .withName("node-1")
            .endTarget()
            .build();
    // fabric8's bindings() posts to /api/v1/namespaces/<ns>/bindings.
    client.bindings().inNamespace(ns).resource(binding).create();
    Pod bound = client.pods().inNamespace(ns).withName("p").get();
    assertEquals("node-1", bound.getSpec().getNodeName());
    assertTrue(
        bound.getStatus().getConditions().stream()
            .anyMatch(c -> c.getType().equals("PodScheduled") && c.getStatus().equals("True")),
        bound.getStatus().toString());
    String path = "/api/v1/namespaces/" + ns + "/bindings";
    PodFixtures.Raw again =
        post(
            client,
            path,
            "application/json",
            "{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":{\"name\":\"p\"},"
                + "\"target\":{\"name\":\"node-2\"}}");
    assertReply(409, again, "already assigned to node \\\"node-1\\\"");
    PodFixtures.Raw missing =
        post(
            client,
            path,
            "application/json",
            "{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":{\"name\":\"nope\"},"
                + "\"target\":{\"name\":\"node-2\"}}");
    assertEquals(404, missing.code(), missing.body());
    PodFixtures.Raw unnamed =
        post(
            client,
            path,
            "application/json",
            "{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"target\":{\"name\":\"node-2\"}}");
    assertEquals(400, unnamed.code(), unnamed.body());
    assertEquals(405, send(client, "GET", path, null, null).code(), "bindings serve create only");

    // kubectl create -f of a Binding posts to the same collection.
    List<KubectlRunner.Binary> binaries = oldestAndNewest();
    for (int i = 0; i < binaries.size(); i++) {
      String pod = "k" + i;
      pod(client, ns, pod, "bound", "Pending", false, null);
      try (KubectlRunner kubectl = KubectlRunner.of(binaries.get(i), hub.kubeconfig())) {
        String yaml =
            "apiVersion: v1\nkind: Binding\nmetadata:\n  name: "
                + pod
                + "\ntarget:\n  kind: Node\n  name: node-k\n";
        kubectl.runWithInput(yaml, "-n", ns, "create", "-f", "-").assertOk();
        assertEquals(
            "node-k", client.pods().inNamespace(ns).withName(pod).get().getSpec().getNodeName());
        kubectl.runWithInput(yaml, "-n", ns, "create", "-f", "-").assertFails();
      }
    }
  }

  @Test
  void ephemeralContainersThroughKubectlDebugAndFabric8() {
    String ns = newNamespace(client, "ephemeral");
    pod(client, ns, "p", "debugged", "Running", true, null);
    List<KubectlRunner.Binary> binaries = oldestAndNewest();
    for (int i = 0; i < binaries.size(); i++) {
      try (KubectlRunner kubectl = KubectlRunner.of(binaries.get(i), hub.kubeconfig())) {
        kubectl
            .run(
                "-n",
                ns,
                "debug",
                "p",
                "--image=busybox",
                "--target=main",
                "--container=debug-" + i)
            .assertOk();
      }
    }
    Pod p = client.pods().inNamespace(ns).withName("p").get();
    assertEquals(binaries.size(), p.getSpec().getEphemeralContainers().size());
    assertEquals("main", p.getSpec().getEphemeralContainers().get(0).getTargetContainerName());

    String path = "/api/v1/namespaces/" + ns + "/pods/p/ephemeralcontainers";
    PodFixtures.Raw get = send(client, "GET", path, null, null);
    assertEquals(200, get.code(), get.body());
    assertEquals("Pod", PodEvictionIT.json(get.body()).path("kind").asText());

    // Removing one, adding one with ports, and changing the image of the main container: each
    // refused with a field path, and nothing changes.
    PodFixtures.Raw remove =
        send(
            client,
            "PATCH",
            path,
            "application/json-patch+json",
            "[{\"op\":\"remove\",\"path\":\"/spec/ephemeralContainers/0\"}]");
    assertReply(422, remove, "may not be removed");
    PodFixtures.Raw ports =
        send(
            client,
            "PATCH",
            path,
            "application/strategic-merge-patch+json",
            "{\"spec\":{\"ephemeralContainers\":[{\"name\":\"x\",\"image\":\"busybox\","
                + "\"ports\":[{\"containerPort\":80}]}]}}");
    assertReply(422, ports, "spec.ephemeralContainers[", ".ports");
    PodFixtures.Raw other =
        send(
            client,
            "PATCH",
            path,
            "application/merge-patch+json",
            "{\"spec\":{\"containers\":[{\"name\":\"main\",\"image\":\"other\"}]}}");
    assertReply(422, other, "only spec.ephemeralContainers may change");
    assertEquals(binaries.size(), ephemeralCount(ns));

    // A PUT of the Pod with one more ephemeral container is the older clients' way.
    JsonNode current = PodEvictionIT.json(send(client, "GET", path, null, null).body());
    ((com.fasterxml.jackson.databind.node.ArrayNode)
            current.path("spec").path("ephemeralContainers"))
        .addObject()
        .put("name", "put-one")
        .put("image", "busybox");
    PodFixtures.Raw put = send(client, "PUT", path, "application/json", current.toString());
    assertEquals(200, put.code(), put.body());
    assertEquals(binaries.size() + 1, ephemeralCount(ns));
  }

  /** A patch there that touches only what the subresource ignores writes nothing (fuzz find). */
  @Test
  void ephemeralContainersPatchOfMetadataOnlyWritesNothing() {
    String ns = newNamespace(client, "ephemeral-noop");
    pod(client, ns, "p", "debugged", "Running", true, null);
    String before =
        client.pods().inNamespace(ns).withName("p").get().getMetadata().getResourceVersion();
    PodFixtures.Raw patched =
        send(
            client,
            "PATCH",
            "/api/v1/namespaces/" + ns + "/pods/p/ephemeralcontainers",
            "application/json-patch+json",
            "[{\"op\":\"add\",\"path\":\"/metadata/labels\",\"value\":{\"bad key!\":\"v\"}}]");
    assertTrue(patched.code() < 500, patched.body());
    assertEquals(
        before,
        client.pods().inNamespace(ns).withName("p").get().getMetadata().getResourceVersion());
  }

  @Test
  void ephemeralContainersTakeServerSideApply() {
    String ns = newNamespace(client, "ephemeral-apply");
    pod(client, ns, "p", "debugged", "Running", true, null);
    String path = "/api/v1/namespaces/" + ns + "/pods/p/ephemeralcontainers";
    String config =
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  ephemeralContainers:\n"
            + "  - name: applied\n    image: busybox\n    targetContainerName: main\n";
    PodFixtures.Raw noManager = send(client, "PATCH", path, "application/apply-patch+yaml", config);
    assertReply(422, noManager, "fieldManager");

    PodFixtures.Raw applied =
        send(
            client, "PATCH", path + "?fieldManager=tester", "application/apply-patch+yaml", config);
    assertEquals(200, applied.code(), applied.body());
    Pod p = client.pods().inNamespace(ns).withName("p").get();
    assertEquals("applied", p.getSpec().getEphemeralContainers().get(0).getName());
    assertEquals("main", p.getSpec().getEphemeralContainers().get(0).getTargetContainerName());
    var entry =
        p.getMetadata().getManagedFields().stream()
            .filter(m -> m.getManager().equals("tester"))
            .findFirst()
            .orElseThrow(() -> new AssertionError(p.getMetadata().getManagedFields().toString()));
    assertEquals("Apply", entry.getOperation());
    assertEquals("ephemeralcontainers", entry.getSubresource());
    assertTrue(
        entry
            .getFieldsV1()
            .getAdditionalProperties()
            .toString()
            .contains("k:{\"name\":\"applied\"}"),
        entry.toString());

    // A second manager's apply adds its own container beside the first.
    String other =
        config.replace("applied", "second").replace("    targetContainerName: main\n", "");
    PodFixtures.Raw second =
        send(client, "PATCH", path + "?fieldManager=other", "application/apply-patch+yaml", other);
    assertEquals(200, second.code(), second.body());
    assertEquals(2, ephemeralCount(ns));

    // Applying without its container would remove it, which the subresource refuses; so does an
    // apply that changes anything outside spec.ephemeralContainers.
    String none =
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  ephemeralContainers: []\n";
    PodFixtures.Raw removal =
        send(client, "PATCH", path + "?fieldManager=tester", "application/apply-patch+yaml", none);
    assertReply(422, removal, "may not be removed");
    PodFixtures.Raw outside =
        send(
            client,
            "PATCH",
            path + "?fieldManager=tester",
            "application/apply-patch+yaml",
            config + "  nodeName: elsewhere\n");
    assertReply(422, outside, "only spec.ephemeralContainers may change");
    assertEquals(2, ephemeralCount(ns));
  }

  @Test
  void deploymentRollbackIsNotServedIn133() {
    String ns = newNamespace(client, "rollback");
    PodFixtures.Raw r =
        post(
            client,
            "/apis/apps/v1/namespaces/" + ns + "/deployments/web/rollback",
            "application/json",
            "{\"apiVersion\":\"apps/v1beta1\",\"kind\":\"DeploymentRollback\",\"name\":\"web\"}");
    assertEquals(404, r.code(), r.body());
    assertNull(client.apps().deployments().inNamespace(ns).withName("web").get());
  }
}
