package dev.flotilla.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.fixtures.Await;
import dev.flotilla.policies.crd.CrdManifests;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The agent installs the MCS CRDs in its member when it joins (ACK One's fleet does the same); a
 * Work that later carries the same CRD (Karmada's walkthrough propagates it) applies without a
 * conflict and takes it over, and deleting that Work gives the CRD back instead of deleting it.
 */
class McsCrdInstallIT {
  private static final String CLUSTER = "crd-member";
  private static final String ES = "karmada-es-" + CLUSTER;
  private static final String EXPORTS = "serviceexports.multicluster.x-k8s.io";

  @RegisterExtension
  static final AgentRig rig = AgentRig.servers(CLUSTER).withExecutionNamespace().withAgent();

  private static CustomResourceDefinition crd(String name) {
    return rig.member().apiextensions().v1().customResourceDefinitions().withName(name).get();
  }

  private static String managed(CustomResourceDefinition crd) {
    Map<String, String> labels = crd.getMetadata().getLabels();
    return labels == null ? null : labels.get("karmada.io/managed");
  }

  @Test
  void installedAtJoinTakenOverByAWorkAndReleasedWithIt() {
    for (String name : List.of(EXPORTS, "serviceimports.multicluster.x-k8s.io")) {
      CustomResourceDefinition installed =
          Await.until("CRD " + name + " installed", () -> crd(name), c -> c != null);
      assertEquals(
          "true", installed.getMetadata().getAnnotations().get("agent.flotilla.dev/installed"));
      assertNull(managed(installed), "installed, not yet managed");
    }

    ObjectNode manifest = CrdManifests.load("crds/multicluster.x-k8s.io_serviceexports.yaml");
    Works.create(rig.hub(), Works.work(ES, "mcs-crd", List.of(manifest)));
    ObjectNode applied =
        Await.until(
            "Work mcs-crd applied",
            () -> Works.get(rig.hub(), ES, "mcs-crd"),
            w -> w != null && Works.condition(w, "Applied") != null);
    assertEquals("True", Works.condition(applied, "Applied"), applied.toString());
    assertEquals("true", managed(crd(EXPORTS)), "taken over by the Work");

    Works.delete(rig.hub(), ES, "mcs-crd");
    Await.until("Work gone", () -> Works.get(rig.hub(), ES, "mcs-crd") == null);
    CustomResourceDefinition after = crd(EXPORTS);
    assertNotNull(after, "the agent's CRD outlives the Work that took it over");
    assertNull(managed(after), "released from Karmada management");
  }
}
