package dev.flotilla.agent.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.apiserver.HubConfig;
import dev.flotilla.apiserver.HubServer;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The agent learns a member's API in two requests (aggregated discovery) and finds exactly what the
 * walk over every group-version finds.
 */
class AggregatedDiscoveryIT {
  @Test
  void aggregatedDiscoverySeesWhatTheLongWalkSees() throws Exception {
    HubConfig config =
        new HubConfig(
            Files.createTempDirectory("agent-it-discovery"),
            "127.0.0.1",
            0,
            Optional.empty(),
            List.of(),
            false);
    try (HubServer server = HubServer.create(config).start();
        KubernetesClient member =
            new KubernetesClientBuilder()
                .withConfig(
                    new ConfigBuilder()
                        .withMasterUrl(server.url())
                        .withCaCertFile(server.certificateAuthority().caCertPath().toString())
                        .withOauthToken(server.authenticator().adminToken())
                        .build())
                .build()) {
      Optional<Map<String, Map<String, String>>> aggregated = AggregatedDiscovery.read(member);
      assertTrue(aggregated.isPresent(), "the member answers aggregated discovery");
      Map<String, Map<String, String>> walked = new LinkedHashMap<>();
      assertTrue(MemberObserver.discoverByGroupVersion(member, walked));
      assertEquals(walked, aggregated.get());
      assertEquals("Deployment", aggregated.get().get("apps/v1").get("deployments"));
      assertEquals("ConfigMap", aggregated.get().get("v1").get("configmaps"));
    }
  }
}
