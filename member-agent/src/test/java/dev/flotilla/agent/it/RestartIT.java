package dev.flotilla.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.agent.ClientSource;
import dev.flotilla.agent.MemberAgent;
import dev.flotilla.fixtures.Await;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A restarted agent converges on what changed while it was away, and rewrites nothing else. */
class RestartIT {
  private static final String CLUSTER = "member-restart";
  private static final String ES = "karmada-es-" + CLUSTER;

  @RegisterExtension static final AgentRig rig = AgentRig.servers(CLUSTER).withExecutionNamespace();

  private static ConfigMap configMap(String name) {
    return rig.member().configMaps().inNamespace("restart").withName(name).get();
  }

  private static void awaitApplied(String work) {
    Await.until(
        "Work " + work + " applied",
        () -> "True".equals(Works.condition(Works.get(rig.hub(), ES, work), "Applied")));
  }

  @Test
  void restartedAgentConvergesWithoutDrift() {
    MemberAgent first = rig.startAgent();
    Works.create(
        rig.hub(),
        Works.work(
            ES,
            "app",
            List.of(
                Works.namespace("restart"),
                Works.configMap("restart", "stable", Map.of("k", "v")),
                Works.configMap("restart", "changing", Map.of("version", "1")),
                Works.deployment("restart", "web", 1, "nginx"))));
    Works.create(
        rig.hub(),
        Works.work(ES, "doomed", List.of(Works.configMap("restart", "doomed", Map.of("k", "v")))));
    awaitApplied("app");
    awaitApplied("doomed");
    ConfigMap stable = configMap("stable");
    String namespaceUid =
        rig.member().namespaces().withName("restart").get().getMetadata().getUid();
    first.stop();

    // While the agent is away: the Work changes, loses a manifest, and another Work is deleted.
    Works.edit(
        rig.hub(),
        ES,
        "app",
        w -> {
          ((ObjectNode) Works.manifests(w).get(2).path("data")).put("version", "2");
          Works.manifests(w).remove(3);
        });
    Works.delete(rig.hub(), ES, "doomed");
    assertNotNull(Works.get(rig.hub(), ES, "doomed"), "the finalizer holds the Work for the agent");

    // The restarted agent builds (and owns) its clients from kubeconfig files, as the launcher
    // does.
    MemberAgent second =
        new MemberAgent(
                rig.config()
                    .hub(ClientSource.kubeconfig(rig.hubServer().kubeconfig(), "flotilla"))
                    .member(ClientSource.kubeconfig(rig.memberServer().kubeconfig()))
                    .build())
            .start();
    try {
      Await.until(
          "changed ConfigMap updated",
          () -> "2".equals(configMap("changing").getData().get("version")));
      Await.until(
          "removed Deployment pruned",
          () ->
              rig.member().apps().deployments().inNamespace("restart").withName("web").get()
                  == null);
      Await.until("deleted Work pruned", () -> configMap("doomed") == null);
      Await.until("deleted Work released", () -> Works.get(rig.hub(), ES, "doomed") == null);
      Await.until(
          "status reports three manifests",
          () ->
              Works.get(rig.hub(), ES, "app").path("status").path("manifestStatuses").size() == 3);
      awaitApplied("app");

      ConfigMap stableAfter = configMap("stable");
      assertEquals(stable.getMetadata().getUid(), stableAfter.getMetadata().getUid());
      assertEquals(
          stable.getMetadata().getResourceVersion(),
          stableAfter.getMetadata().getResourceVersion(),
          "re-applying an unchanged object" + " writes nothing");
      assertEquals(
          namespaceUid, rig.member().namespaces().withName("restart").get().getMetadata().getUid());

      // Drift in the member is put back.
      rig.member()
          .configMaps()
          .inNamespace("restart")
          .withName("stable")
          .edit(
              cm -> {
                cm.getData().put("k", "tampered");
                return cm;
              });
      Await.until("drift repaired", () -> "v".equals(configMap("stable").getData().get("k")));
      rig.member().configMaps().inNamespace("restart").withName("stable").delete();
      Await.until("deleted object restored", () -> configMap("stable") != null);
    } finally {
      second.stop();
    }
  }
}
