package dev.flotilla.agent.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.apiserver.it.TestHub;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.LinkedHashMap;
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
    try (TestHub server = TestHub.member();
        KubernetesClient member = server.client()) {
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
