package dev.flotilla.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.fixtures.Await;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** While the hub is down the member is left alone; when it is back the agent carries on. */
class HubOutageIT {
  private static final String CLUSTER = "member-outage";
  private static final String ES = "karmada-es-" + CLUSTER;

  @RegisterExtension
  static final AgentRig rig = AgentRig.servers(CLUSTER).withExecutionNamespace().withAgent();

  private static ConfigMap configMap() {
    return rig.member().configMaps().inNamespace("steady").withName("settings").get();
  }

  @Test
  void hubOutageLeavesTheMemberUntouched() {
    Works.create(
        rig.hub(),
        Works.work(ES, "steady", List.of(Works.configMap("steady", "settings", Map.of("k", "1")))));
    Await.until(
        "applied",
        () -> "True".equals(Works.condition(Works.get(rig.hub(), ES, "steady"), "Applied")));
    String rv = configMap().getMetadata().getResourceVersion();

    rig.hubServer().stopServing();
    Await.until(
        "hub unreachable",
        () -> {
          try {
            rig.hub().namespaces().withName(ES).get();
            return false;
          } catch (RuntimeException e) {
            return true;
          }
        });
    // Give the agent's watches time to fail and retry against the dead hub.
    Await.pause(java.time.Duration.ofMillis(3000));
    ConfigMap during = configMap();
    assertNotNull(during, "nothing is pruned because the hub cannot be listed");
    assertEquals(rv, during.getMetadata().getResourceVersion());

    rig.hubServer().resumeServing();
    Works.edit(
        rig.hub(),
        ES,
        "steady",
        w -> ((ObjectNode) Works.manifests(w).get(0).path("data")).put("k", "2"));
    Await.until(
        "agent reconnected and applied the change",
        () -> "2".equals(configMap().getData().get("k")));
    String renewed = renewTime();
    Await.until("lease renewals resumed", () -> !renewed.equals(renewTime()));
  }

  private static String renewTime() {
    var lease =
        rig.hub()
            .genericKubernetesResources("coordination.k8s.io/v1", "Lease")
            .inNamespace("karmada-cluster")
            .withName(CLUSTER)
            .get();
    return String.valueOf(lease.getAdditionalProperties().get("spec"));
  }
}
