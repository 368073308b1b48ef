package dev.flotilla.apiserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.fixtures.KubectlRunner;
import dev.flotilla.fixtures.KubectlRunner.Binary;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Server-side apply to the status subresource, as kube-apiserver does it: the manager's
 * managedFields entry says {@code subresource: status} and holds only status fields, while the spec
 * and metadata in the applied manifest are ignored (neither written, owned, nor in conflict with
 * their owners). Through kubectl's {@code apply --server-side --subresource=status} and fabric8's
 * apply patch on {@code /status}.
 */
class StatusApplyIT {
  @RegisterExtension static final KubectlHub rig = KubectlHub.withNamespacePrefix("sta");

  /** The installed binaries whose {@code apply} has {@code --subresource} (1.32 on). */
  static Stream<Binary> applyWithSubresource() {
    List<Binary> all = KubectlRunner.installed();
    List<Binary> able =
        all.stream()
            .filter(
                b ->
                    KubectlRunner.of(b, rig.hub().kubeconfig())
                        .run("apply", "--help")
                        .stdout()
                        .contains("--subresource"))
            .toList();
    return able.isEmpty() ? Stream.of((Binary) null) : able.stream();
  }

  /** ServerSideApplyIT's Deployment (label {@code tier: x} when {@code tier}), with a status. */
  private static String deployment(int replicas, boolean tier, String status) {
    return ServerSideApplyIT.deployment("web", replicas, tier ? "tier" : null, null)
        + (status == null ? "" : "status:\n" + status);
  }

  private static void statusApply(KubectlRunner kubectl, String ns, String manifest) {
    kubectl
        .writeWithInput(
            manifest,
            "-n",
            ns,
            "apply",
            "--server-side",
            "--subresource=status",
            "--field-manager=status-writer",
            "-f",
            "-")
        .assertOk();
  }

  private static ObjectNode stored(String ns, String name) {
    return KubectlBuiltinIT.stored(rig.hub(), "apps", "v1", "deployments", ns, name).orElseThrow();
  }

  private static JsonNode entry(JsonNode obj, String manager) {
    for (JsonNode e : obj.at("/metadata/managedFields")) {
      if (e.path("manager").asText().equals(manager)) {
        return e;
      }
    }
    throw new AssertionError("no managedFields entry of " + manager + " in " + obj);
  }

  /** A status apply's entry: marked as the status subresource's, owning status fields only. */
  private static void assertStatusOnly(JsonNode obj, String manager, String... statusFields) {
    JsonNode e = entry(obj, manager);
    assertEquals("Apply", e.path("operation").asText(), e.toString());
    assertEquals("status", e.path("subresource").asText(), e.toString());
    JsonNode fields = e.path("fieldsV1");
    List<String> roots = new java.util.ArrayList<>();
    fields.fieldNames().forEachRemaining(roots::add);
    assertEquals(List.of("f:status"), roots, "a status apply owns only status: " + e);
    for (String f : statusFields) {
      assertTrue(fields.path("f:status").has("f:" + f), f + " not owned in " + e);
    }
  }

  /** The object's own applier keeps its labels and replicas, without a subresource marker. */
  private static void assertObjectOwnerKept(JsonNode obj, String manager) {
    JsonNode e = entry(obj, manager);
    assertFalse(e.has("subresource"), e.toString());
    assertTrue(e.at("/fieldsV1/f:spec/f:replicas").isObject(), e.toString());
    assertTrue(e.at("/fieldsV1/f:metadata/f:labels/f:app").isObject(), e.toString());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("applyWithSubresource")
  void kubectlStatusApplyOwnsOnlyStatus(Binary binary) {
    assumeTrue(binary != null, "no installed kubectl has apply --subresource (1.32 on)");
    KubectlRunner kubectl = rig.pool().runner(binary);
    String ns = rig.pool().namespace(binary);
    kubectl
        .writeWithInput(deployment(2, false, null), "-n", ns, "apply", "--server-side", "-f", "-")
        .assertOk();

    // The same manifest with a changed label, a new label, other replicas and a status: only the
    // status is written; the label change is no conflict with kubectl, which owns the label.
    statusApply(
        kubectl,
        ns,
        deployment(7, true, "  replicas: 3\n  readyReplicas: 2\n")
            .replaceFirst("app: web", "app: other"));
    ObjectNode after = stored(ns, "web");
    assertEquals(3, after.at("/status/replicas").asInt(), after.toString());
    assertEquals(2, after.at("/spec/replicas").asInt(), "spec is not the status's: " + after);
    assertEquals(Map.of("app", "web"), labels(after));
    assertStatusOnly(after, "status-writer", "replicas", "readyReplicas");
    assertObjectOwnerKept(after, "kubectl");

    // Dropping a status field from the next status apply removes it: the manager owned it.
    statusApply(kubectl, ns, deployment(2, false, "  replicas: 3\n"));
    ObjectNode shrunk = stored(ns, "web");
    assertTrue(shrunk.at("/status/readyReplicas").isMissingNode(), shrunk.toString());
    assertStatusOnly(shrunk, "status-writer", "replicas");
  }

  private static Map<String, String> labels(JsonNode obj) {
    Map<String, String> out = new java.util.TreeMap<>();
    obj.at("/metadata/labels")
        .fields()
        .forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  @Test
  void fabric8StatusApplyOwnsOnlyStatus() {
    try (KubernetesClient client = rig.hub().client()) {
      String ns = Fabric8Support.newNamespace(client, "sta-f8");
      Deployment dep =
          new DeploymentBuilder()
              .withNewMetadata()
              .withName("api")
              .withNamespace(ns)
              .withLabels(Map.of("app", "api"))
              .endMetadata()
              .withNewSpec()
              .withReplicas(2)
              .withNewSelector()
              .withMatchLabels(Map.of("app", "api"))
              .endSelector()
              .withNewTemplate()
              .withNewMetadata()
              .withLabels(Map.of("app", "api"))
              .endMetadata()
              .withNewSpec()
              .addNewContainer()
              .withName("app")
              .withImage("nginx:1.25")
              .endContainer()
              .endSpec()
              .endTemplate()
              .endSpec()
              .build();
      client.resource(dep).fieldManager("owner").serverSideApply();

      Deployment withStatus =
          new DeploymentBuilder(dep)
              .editMetadata()
              .withLabels(Map.of("app", "changed", "tier", "edge"))
              .endMetadata()
              .editSpec()
              .withReplicas(9)
              .endSpec()
              .withNewStatus()
              .withReplicas(4)
              .withAvailableReplicas(1)
              .endStatus()
              .build();
      PatchContext apply = PatchContext.of(PatchType.SERVER_SIDE_APPLY);
      apply.setFieldManager("f8-status");
      Deployment returned = client.resource(withStatus).subresource("status").patch(apply);
      assertEquals(4, returned.getStatus().getReplicas());
      assertEquals(2, returned.getSpec().getReplicas());
      assertEquals(Map.of("app", "api"), returned.getMetadata().getLabels());

      ObjectNode after =
          KubectlBuiltinIT.stored(rig.hub(), "apps", "v1", "deployments", ns, "api").orElseThrow();
      assertStatusOnly(after, "f8-status", "replicas", "availableReplicas");
      assertObjectOwnerKept(after, "owner");
      assertNotNull(after.at("/metadata/managedFields"));
    }
  }
}
