package dev.flotilla.apiserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.fixtures.KubectlRunner;
import dev.flotilla.fixtures.KubectlRunner.Binary;
import dev.flotilla.fixtures.KubectlRunner.Result;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Server-side apply, field ownership and strategic merge patch through stock kubectl (every
 * installed 1.27 ... 1.33) and fabric8: apply conflicts and {@code --force-conflicts}, client-side
 * apply removing what the file dropped, {@code kubectl patch} merging by name.
 */
class ServerSideApplyIT {
  private static final String BINARIES = "kubectls";
  private static TestHub hub;
  private static KubectlRunner.Pool pool;

  @BeforeAll
  static void start() {
    hub = TestHub.start();
    pool = new KubectlRunner.Pool(hub.kubeconfig(), "ssa");
  }

  @AfterAll
  static void stop() {
    if (pool != null) {
      pool.close();
    }
    if (hub != null) {
      hub.close();
    }
  }

  /** Every installed binary, or one null (a visible skip) where none is installed. */
  static java.util.stream.Stream<Binary> kubectls() {
    java.util.List<Binary> installed = KubectlRunner.installed();
    return installed.isEmpty() ? java.util.stream.Stream.of((Binary) null) : installed.stream();
  }

  private static KubectlRunner kubectl(Binary binary) {
    assumeTrue(binary != null, KubectlRunner.notInstalledMessage());
    return pool.runner(binary);
  }

  static String deployment(String name, int replicas, String extraLabel, String extraEnv) {
    return "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: "
        + name
        + "\n  labels:\n"
        + "    app: "
        + name
        + "\n"
        + (extraLabel == null ? "" : "    " + extraLabel + ": x\n")
        + "spec:\n  replicas: "
        + replicas
        + "\n  selector:\n    matchLabels:\n      app: "
        + name
        + "\n  template:\n    metadata:\n      labels:\n        app: "
        + name
        + "\n    spec:\n"
        + "      containers:\n      - name: app\n        image: nginx:1.25\n        env:\n"
        + "        - name: KEEP\n          value: \"1\"\n"
        + (extraEnv == null ? "" : "        - name: " + extraEnv + "\n          value: \"2\"\n")
        + "      - name: side\n        image: busybox\n";
  }

  private static ObjectNode stored(String ns, String name) {
    return KubectlBuiltinIT.stored(hub, "apps", "v1", "deployments", ns, name).orElseThrow();
  }

  private static JsonNode entry(JsonNode obj, String manager, String operation) {
    for (JsonNode e : obj.at("/metadata/managedFields")) {
      if (e.path("manager").asText().equals(manager)
          && e.path("operation").asText().equals(operation)) {
        return e;
      }
    }
    return null;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(BINARIES)
  void serverSideApplyConflictsThenForces(Binary binary) {
    KubectlRunner kubectl = kubectl(binary);
    String ns = pool.namespace(binary);
    kubectl
        .writeWithInput(
            deployment("ssa", 2, null, null), "-n", ns, "apply", "--server-side", "-f", "-")
        .assertOk();
    ObjectNode created = stored(ns, "ssa");
    JsonNode mine = entry(created, "kubectl", "Apply");
    assertNotNull(mine, created.toString());
    assertTrue(mine.at("/fieldsV1/f:spec/f:replicas").isObject(), mine.toString());

    kubectl.run("-n", ns, "patch", "deploy", "ssa", "-p", "{\"spec\":{\"replicas\":4}}").assertOk();
    assertNotNull(entry(stored(ns, "ssa"), "kubectl-patch", "Update"));

    Result conflict =
        kubectl
            .writeWithInput(
                deployment("ssa", 5, null, null), "-n", ns, "apply", "--server-side", "-f", "-")
            .assertFails();
    assertTrue(
        conflict
            .stderr()
            .contains(
                "Apply failed with 1 conflict: conflict with"
                    + " \"kubectl-patch\" using apps/v1: .spec.replicas"),
        conflict.toString());
    assertEquals(4, stored(ns, "ssa").at("/spec/replicas").asInt());

    kubectl
        .writeWithInput(
            deployment("ssa", 5, null, null),
            "-n",
            ns,
            "apply",
            "--server-side",
            "--force-conflicts",
            "-f",
            "-")
        .assertOk();
    ObjectNode forced = stored(ns, "ssa");
    assertEquals(5, forced.at("/spec/replicas").asInt());
    assertNull(entry(forced, "kubectl-patch", "Update"), "kubectl-patch owned only replicas");
    assertTrue(entry(forced, "kubectl", "Apply").at("/fieldsV1/f:spec/f:replicas").isObject());

    // Dropping a label and an env var from the applied file removes them.
    kubectl
        .writeWithInput(
            deployment("ssa", 5, "tier", "EXTRA"), "-n", ns, "apply", "--server-side", "-f", "-")
        .assertOk();
    assertEquals("x", stored(ns, "ssa").at("/metadata/labels/tier").asText());
    kubectl
        .writeWithInput(
            deployment("ssa", 5, null, null), "-n", ns, "apply", "--server-side", "-f", "-")
        .assertOk();
    ObjectNode pruned = stored(ns, "ssa");
    assertTrue(pruned.at("/metadata/labels/tier").isMissingNode(), pruned.toString());
    assertEquals(1, pruned.at("/spec/template/spec/containers/0/env").size(), pruned.toString());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(BINARIES)
  void clientSideApplyRemovesWhatTheFileDropped(Binary binary) {
    KubectlRunner kubectl = kubectl(binary);
    String ns = pool.namespace(binary);
    kubectl
        .writeWithInput(deployment("csa", 1, "tier", "EXTRA"), "-n", ns, "apply", "-f", "-")
        .assertOk();
    ObjectNode first = stored(ns, "csa");
    assertEquals(2, first.at("/spec/template/spec/containers/0/env").size());
    assertNotNull(entry(first, "kubectl-client-side-apply", "Update"), first.toString());

    Result configured =
        kubectl
            .writeWithInput(deployment("csa", 1, null, null), "-n", ns, "apply", "-f", "-")
            .assertOk();
    assertEquals("deployment.apps/csa configured\n", configured.stdout());
    ObjectNode second = stored(ns, "csa");
    assertTrue(second.at("/metadata/labels/tier").isMissingNode(), second.toString());
    JsonNode env = second.at("/spec/template/spec/containers/0/env");
    assertEquals(1, env.size(), second.toString());
    assertEquals("KEEP", env.get(0).path("name").asText());
    assertEquals("side", second.at("/spec/template/spec/containers/1/name").asText());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(BINARIES)
  void strategicPatchMergesContainersByName(Binary binary) {
    KubectlRunner kubectl = kubectl(binary);
    String ns = pool.namespace(binary);
    kubectl
        .writeWithInput(deployment("smp", 1, null, null), "-n", ns, "create", "-f", "-")
        .assertOk();
    kubectl
        .run(
            "-n",
            ns,
            "patch",
            "deploy",
            "smp",
            "-p",
            "{\"spec\":{\"template\":{\"spec\":"
                + "{\"containers\":[{\"name\":\"app\",\"image\":\"nginx:1.27\"}]}}}}")
        .assertOk();
    ObjectNode patched = stored(ns, "smp");
    JsonNode containers = patched.at("/spec/template/spec/containers");
    assertEquals(2, containers.size(), patched.toString());
    assertEquals("nginx:1.27", containers.get(0).path("image").asText());
    assertEquals("KEEP", containers.get(0).at("/env/0/name").asText());
    assertNotNull(entry(patched, "kubectl-create", "Update"), patched.toString());

    Result bad =
        kubectl.run(
            "-n",
            ns,
            "patch",
            "deploy",
            "smp",
            "-p",
            "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"image\":\"x\"}]}}}}");
    bad.assertFails();
    assertTrue(bad.stderr().contains("does not contain declared merge key: name"), bad.toString());
  }

  @Test
  void fabric8ServerSideApplyOwnsAndConflicts() {
    try (KubernetesClient a = hub.client();
        KubernetesClient b = hub.client()) {
      String ns = Fabric8Support.newNamespace(a, "ssa-f8");
      ConfigMap cm =
          new ConfigMapBuilder()
              .withNewMetadata()
              .withName("owned")
              .withNamespace(ns)
              .endMetadata()
              .withData(Map.of("mode", "blue", "size", "1"))
              .build();
      ConfigMap created = a.resource(cm).fieldManager("team-a").serverSideApply();
      ManagedFieldsEntry entry = created.getMetadata().getManagedFields().get(0);
      assertEquals("team-a", entry.getManager());
      assertEquals("Apply", entry.getOperation());
      assertEquals("FieldsV1", entry.getFieldsType());

      ConfigMap other = new ConfigMapBuilder(cm).withData(Map.of("mode", "green")).build();
      KubernetesClientException e =
          assertThrows(
              KubernetesClientException.class,
              () -> b.resource(other).fieldManager("team-b").serverSideApply());
      assertEquals(409, e.getCode());
      assertEquals(
          "FieldManagerConflict", e.getStatus().getDetails().getCauses().get(0).getReason());
      assertEquals(".data.mode", e.getStatus().getDetails().getCauses().get(0).getField());

      ConfigMap forced =
          b.resource(other).fieldManager("team-b").forceConflicts().serverSideApply();
      assertEquals("green", forced.getData().get("mode"));
      assertEquals("1", forced.getData().get("size"), "team-a still owns size");

      // team-a re-applies without "size": only team-a owned it, so it goes.
      ConfigMap shrunk =
          a.resource(new ConfigMapBuilder(cm).withData(Map.of("mode", "green")).build())
              .fieldManager("team-a")
              .serverSideApply();
      assertFalse(shrunk.getData().containsKey("size"), shrunk.toString());
      assertEquals("green", shrunk.getData().get("mode"));
    }
  }
}
