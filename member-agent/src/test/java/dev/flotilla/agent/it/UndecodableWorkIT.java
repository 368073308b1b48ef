package dev.flotilla.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.flotilla.agent.AgentConfig;
import dev.flotilla.agent.ClientSource;
import dev.flotilla.agent.MemberAgent;
import dev.flotilla.apiserver.it.TestHub;
import dev.flotilla.apiserver.objects.Meta;
import dev.flotilla.apiserver.registry.ResourceType;
import dev.flotilla.fixtures.Await;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A Work in the agent's namespace whose {@code metadata.ownerReferences} is {@code "x"} (stored
 * before the hub refused such metadata; written here past admission) neither stops the agent's Work
 * informer nor is applied from a half-decoded copy: the agent, on the client it builds from its hub
 * kubeconfig, applies every other Work, before and after the bad one is deleted.
 */
class UndecodableWorkIT {
  private static final String CLUSTER = "member1";
  private static final String ES = "karmada-es-" + CLUSTER;

  private static ConfigMap configMap(KubernetesClient member, String name) {
    return member.configMaps().inNamespace("default").withName(name).get();
  }

  @Test
  void anUndecodableWorkIsSkippedAndTheOthersAreApplied() {
    try (TestHub hubServer = TestHub.start();
        TestHub memberServer = TestHub.member()) {
      KubernetesClient hub = hubServer.client();
      KubernetesClient member = memberServer.client();
      Works.create(
          hub,
          Works.work(ES, "bad", List.of(Works.configMap("default", "from-bad", Map.of("k", "v")))));
      ResourceType works =
          hubServer
              .server()
              .storage()
              .registry()
              .find("work.karmada.io", "v1alpha1", "works")
              .orElseThrow();
      hubServer
          .server()
          .storage()
          .guaranteedUpdate(
              works,
              ES,
              "bad",
              0,
              false,
              w -> {
                Meta.metadata(w).put("ownerReferences", "x");
                return w;
              })
          .join();
      AgentConfig config =
          AgentRig.config(hubServer, memberServer, CLUSTER)
              .hub(ClientSource.kubeconfig(hubServer.kubeconfig()))
              .build();
      MemberAgent agent = new MemberAgent(config).start();
      try {
        Works.create(
            hub,
            Works.work(
                ES, "good", List.of(Works.configMap("default", "from-good", Map.of("k", "v")))));
        ConfigMap good =
            Await.until(
                "the good Work applied", () -> configMap(member, "from-good"), c -> c != null);
        assertEquals("v", good.getData().get("k"));
        assertNull(configMap(member, "from-bad"), "a Work read in part is never applied");

        hub.raw("/apis/work.karmada.io/v1alpha1/namespaces/" + ES + "/works/bad", "DELETE", null);
        Works.create(
            hub,
            Works.work(
                ES, "later", List.of(Works.configMap("default", "from-later", Map.of("k", "v")))));
        Await.until(
            "a Work after the delete", () -> configMap(member, "from-later"), c -> c != null);
      } finally {
        agent.stop();
      }
    }
  }
}
