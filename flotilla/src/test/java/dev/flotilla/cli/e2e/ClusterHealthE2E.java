package dev.flotilla.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.fixtures.Await;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Cluster health follows the agent's lease: with member3's agent stopped, once its short lease has
 * expired the Cluster is Ready=Unknown and tainted {@code cluster.karmada.io/unreachable}
 * (NoSchedule, so new placements avoid it); a restarted agent brings Ready=True back and the taint
 * goes.
 */
class ClusterHealthE2E {
  private static final String UNREACHABLE = "cluster.karmada.io/unreachable";

  @RegisterExtension
  static final FleetExtension FLEET = new FleetExtension(Fleet.Options.shortLeases());

  @Test
  void stoppedAgentMakesTheClusterUnreachableAndARestartHealsIt() {
    Fleet fleet = FLEET.fleet();
    assertFalse(hasTaint(fleet.cluster("member3"), UNREACHABLE), "healthy at start");

    fleet.stopAgent("member3");
    JsonNode down =
        Await.until(
            "member3 Ready=Unknown and tainted unreachable",
            () -> {
              JsonNode c = fleet.cluster("member3");
              return "Unknown".equals(Fleet.conditionStatus(c, "Ready")) && hasTaint(c, UNREACHABLE)
                  ? c
                  : null;
            });
    JsonNode taint = taint(down, UNREACHABLE);
    assertEquals("NoSchedule", taint.path("effect").asText(), taint.toString());

    String ns = fleet.newNamespace("health");
    fleet.create(
        Propagation.configMapWithPolicy(
            ns, "while-down", "{clusterAffinity: {clusterNames: [member1, member3]}}"));
    Propagation.awaitConfigMapExactlyIn(fleet, ns, "while-down", List.of("member1"));

    fleet.startAgent("member3");
    JsonNode up =
        Await.until(
            "member3 Ready=True without the unreachable taint",
            () -> {
              JsonNode c = fleet.cluster("member3");
              return "True".equals(Fleet.conditionStatus(c, "Ready")) && !hasTaint(c, UNREACHABLE)
                  ? c
                  : null;
            });
    assertTrue(
        up.path("spec").path("taints").isMissingNode()
            || !hasTaint(up, "cluster.karmada.io/not-ready"),
        up.path("spec").toString());
  }

  static boolean hasTaint(JsonNode cluster, String key) {
    return taint(cluster, key) != null;
  }

  static JsonNode taint(JsonNode cluster, String key) {
    for (JsonNode t : cluster.path("spec").path("taints")) {
      if (key.equals(t.path("key").asText())) {
        return t;
      }
    }
    return null;
  }
}
