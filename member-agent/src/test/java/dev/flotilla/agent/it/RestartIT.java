package dev.flotilla.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.agent.ClientSource;
import dev.flotilla.agent.MemberAgent;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A restarted agent converges on what changed while it was away, and rewrites nothing else. */
class RestartIT {
  private static final String CLUSTER = "member-restart";
  private static final String ES = "karmada-es-" + CLUSTER;

  private static TestServer hubServer;
  private static TestServer memberServer;
  private static KubernetesClient hub;
  private static KubernetesClient member;

  @BeforeAll
  static void start() {
    hubServer = TestServer.hub();
    memberServer = TestServer.member();
    hub = hubServer.client();
    member = memberServer.client();
    Works.ensureNamespace(hub, ES);
  }

  @AfterAll
  static void stop() {
    memberServer.close();
    hubServer.close();
  }

  private static ConfigMap configMap(String name) {
    return member.configMaps().inNamespace("restart").withName(name).get();
  }

  private static void awaitApplied(String work) {
    Await.until(
        "Work " + work + " applied",
        () -> "True".equals(Works.condition(Works.get(hub, ES, work), "Applied")));
  }

  @Test
  void restartedAgentConvergesWithoutDrift() {
    MemberAgent first = AgentFixture.start(hubServer, memberServer, CLUSTER);
    Works.create(
        hub,
        Works.work(
            ES,
            "app",
            List.of(
                Works.namespace("restart"),
                Works.configMap("restart", "stable", Map.of("k", "v")),
                Works.configMap("restart", "changing", Map.of("version", "1")),
                Works.deployment("restart", "web", 1, "nginx"))));
    Works.create(
        hub,
        Works.work(ES, "doomed", List.of(Works.configMap("restart", "doomed", Map.of("k", "v")))));
    awaitApplied("app");
    awaitApplied("doomed");
    ConfigMap stable = configMap("stable");
    String namespaceUid = member.namespaces().withName("restart").get().getMetadata().getUid();
    first.stop();

    // While the agent is away: the Work changes, loses a manifest, and another Work is deleted.
    Works.edit(
        hub,
        ES,
        "app",
        w -> {
          ((ObjectNode) Works.manifests(w).get(2).path("data")).put("version", "2");
          Works.manifests(w).remove(3);
        });
    Works.delete(hub, ES, "doomed");
    assertNotNull(Works.get(hub, ES, "doomed"), "the finalizer holds the Work for the agent");

    // The restarted agent builds (and owns) its clients from kubeconfig files, as the launcher
    // does.
    MemberAgent second =
        new MemberAgent(
                AgentFixture.config(hubServer, memberServer, CLUSTER)
                    .hub(ClientSource.kubeconfig(hubServer.kubeconfig(), "flotilla"))
                    .member(ClientSource.kubeconfig(memberServer.kubeconfig()))
                    .build())
            .start();
    try {
      Await.until(
          "changed ConfigMap updated",
          () -> "2".equals(configMap("changing").getData().get("version")));
      Await.until(
          "removed Deployment pruned",
          () -> member.apps().deployments().inNamespace("restart").withName("web").get() == null);
      Await.until("deleted Work pruned", () -> configMap("doomed") == null);
      Await.until("deleted Work released", () -> Works.get(hub, ES, "doomed") == null);
      Await.until(
          "status reports three manifests",
          () -> Works.get(hub, ES, "app").path("status").path("manifestStatuses").size() == 3);
      awaitApplied("app");

      ConfigMap stableAfter = configMap("stable");
      assertEquals(stable.getMetadata().getUid(), stableAfter.getMetadata().getUid());
      assertEquals(
          stable.getMetadata().getResourceVersion(),
          stableAfter.getMetadata().getResourceVersion(),
          "re-applying an unchanged object" + " writes nothing");
      assertEquals(
          namespaceUid, member.namespaces().withName("restart").get().getMetadata().getUid());

      // Drift in the member is put back.
      member
          .configMaps()
          .inNamespace("restart")
          .withName("stable")
          .edit(
              cm -> {
                cm.getData().put("k", "tampered");
                return cm;
              });
      Await.until("drift repaired", () -> "v".equals(configMap("stable").getData().get("k")));
      member.configMaps().inNamespace("restart").withName("stable").delete();
      Await.until("deleted object restored", () -> configMap("stable") != null);
    } finally {
      second.stop();
    }
  }
}
