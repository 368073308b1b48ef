package dev.flotilla.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.agent.MemberAgent;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** While the hub is down the member is left alone; when it is back the agent carries on. */
class HubOutageIT {
  private static final String CLUSTER = "member-outage";
  private static final String ES = "karmada-es-" + CLUSTER;

  private static TestServer hubServer;
  private static TestServer memberServer;
  private static KubernetesClient hub;
  private static KubernetesClient member;
  private static MemberAgent agent;

  @BeforeAll
  static void start() {
    hubServer = TestServer.hub();
    memberServer = TestServer.member();
    hub = hubServer.client();
    member = memberServer.client();
    Works.ensureNamespace(hub, ES);
    agent = AgentFixture.start(hubServer, memberServer, CLUSTER);
  }

  @AfterAll
  static void stop() {
    agent.stop();
    memberServer.close();
    hubServer.close();
  }

  private static ConfigMap configMap() {
    return member.configMaps().inNamespace("steady").withName("settings").get();
  }

  @Test
  void hubOutageLeavesTheMemberUntouched() {
    Works.create(
        hub,
        Works.work(ES, "steady", List.of(Works.configMap("steady", "settings", Map.of("k", "1")))));
    Await.until(
        "applied", () -> "True".equals(Works.condition(Works.get(hub, ES, "steady"), "Applied")));
    String rv = configMap().getMetadata().getResourceVersion();

    hubServer.stopServing();
    Await.until(
        "hub unreachable",
        () -> {
          try {
            hub.namespaces().withName(ES).get();
            return false;
          } catch (RuntimeException e) {
            return true;
          }
        });
    // Give the agent's watches time to fail and retry against the dead hub.
    Await.sleep(3000);
    ConfigMap during = configMap();
    assertNotNull(during, "nothing is pruned because the hub cannot be listed");
    assertEquals(rv, during.getMetadata().getResourceVersion());

    hubServer.resumeServing();
    Works.edit(
        hub,
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
        hub.genericKubernetesResources("coordination.k8s.io/v1", "Lease")
            .inNamespace("karmada-cluster")
            .withName(CLUSTER)
            .get();
    return String.valueOf(lease.getAdditionalProperties().get("spec"));
  }
}
