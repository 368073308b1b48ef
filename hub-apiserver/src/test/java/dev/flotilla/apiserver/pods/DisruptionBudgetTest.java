package dev.flotilla.apiserver.pods;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The disruption arithmetic of a PodDisruptionBudget, as the disruption controller does it. */
class DisruptionBudgetTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  private static ObjectNode pdb(String spec, String status) {
    return Json.parseObject(
        ("{\"metadata\":{\"name\":\"b\",\"generation\":1},\"spec\":"
                + spec
                + ",\"status\":"
                + status
                + "}")
            .getBytes(),
        false);
  }

  private static List<ObjectNode> pods(int ready, int unready) {
    List<ObjectNode> out = new ArrayList<>();
    for (int i = 0; i < ready + unready; i++) {
      out.add(
          Json.parseObject(
              ("{\"metadata\":{\"name\":\"p"
                      + i
                      + "\"},\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\""
                      + (i < ready ? "True" : "False")
                      + "\"}]}}")
                  .getBytes(),
              false));
    }
    return out;
  }

  @Test
  void table() {
    record Case(String spec, int ready, int unready, int scale, DisruptionBudget want) {}
    for (Case c :
        List.of(
            new Case("{\"minAvailable\":2}", 3, 0, 0, new DisruptionBudget(3, 2, 3, 1)),
            new Case("{\"minAvailable\":2}", 2, 1, 0, new DisruptionBudget(3, 2, 2, 0)),
            new Case("{\"minAvailable\":\"50%\"}", 4, 0, 5, new DisruptionBudget(5, 3, 4, 1)),
            new Case("{\"maxUnavailable\":\"26%\"}", 4, 0, 4, new DisruptionBudget(4, 2, 4, 2)),
            new Case("{\"maxUnavailable\":1}", 3, 0, 3, new DisruptionBudget(3, 2, 3, 1)),
            new Case("{\"maxUnavailable\":0}", 3, 0, 3, new DisruptionBudget(3, 3, 3, 0)),
            // No controller: nothing expected, nothing may go.
            new Case("{\"maxUnavailable\":1}", 3, 0, 0, new DisruptionBudget(0, 0, 3, 0)),
            // Neither set: upstream expects nothing, so nothing may go.
            new Case("{}", 3, 0, 3, new DisruptionBudget(0, 0, 3, 0)))) {
      assertEquals(
          c.want(),
          DisruptionBudget.compute(
              pdb(c.spec(), "{}"), pods(c.ready(), c.unready()), c.scale(), NOW),
          c.toString());
    }
  }

  @Test
  void recentlyEvictedPodsDoNotCountAsHealthy() {
    ObjectNode pdb =
        pdb("{\"minAvailable\":1}", "{\"disruptedPods\":{\"p0\":\"2025-12-31T23:59:00Z\"}}");
    assertEquals(
        new DisruptionBudget(2, 1, 1, 0), DisruptionBudget.compute(pdb, pods(2, 0), 0, NOW));
    ObjectNode old =
        pdb("{\"minAvailable\":1}", "{\"disruptedPods\":{\"p0\":\"2025-12-31T23:50:00Z\"}}");
    assertEquals(
        new DisruptionBudget(2, 1, 2, 1), DisruptionBudget.compute(old, pods(2, 0), 0, NOW));
  }

  @Test
  void disruptedPodsKeepLivePodsUntilTheirTimeout() {
    ObjectNode pdb =
        pdb(
            "{\"minAvailable\":1}",
            "{\"disruptedPods\":{\"p0\":\"2025-12-31T23:59:00Z\",\"p1\":\"2025-12-31T23:50:00Z\","
                + "\"gone\":\"2025-12-31T23:59:30Z\"}}");
    DisruptionBudget.Disrupted d = DisruptionBudget.disrupted(pdb, pods(2, 0), NOW);
    assertEquals("{\"p0\":\"2025-12-31T23:59:00Z\"}", d.pods().toString());
    assertEquals(Instant.parse("2026-01-01T00:01:00Z"), d.recheck());
  }

  @Test
  void statusAsTheControllerWritesIt() {
    ObjectNode pdb = pdb("{\"minAvailable\":1}", "{}");
    new DisruptionBudget(2, 1, 2, 1).writeStatus(pdb, pdb.objectNode(), "2026-01-01T00:00:00Z");
    assertEquals(
        "{\"observedGeneration\":1,\"disruptionsAllowed\":1,\"currentHealthy\":2,"
            + "\"desiredHealthy\":1,\"expectedPods\":2,\"conditions\":[{\"type\":"
            + "\"DisruptionAllowed\",\"lastTransitionTime\":\"2026-01-01T00:00:00Z\",\"status\":"
            + "\"True\",\"observedGeneration\":1,\"reason\":\"SufficientPods\",\"message\":\"\"}]}",
        pdb.get("status").toString());
    // Same status, later: the transition time stays; a change moves it.
    new DisruptionBudget(2, 1, 2, 1).writeStatus(pdb, null, "2026-01-01T00:05:00Z");
    assertEquals(
        "2026-01-01T00:00:00Z", pdb.at("/status/conditions/0/lastTransitionTime").asText());
    DisruptionBudget.failSafe(pdb, "bad selector", "2026-01-01T00:06:00Z");
    assertEquals("SyncFailed", pdb.at("/status/conditions/0/reason").asText());
    assertEquals("bad selector", pdb.at("/status/conditions/0/message").asText());
    assertEquals(
        "2026-01-01T00:06:00Z", pdb.at("/status/conditions/0/lastTransitionTime").asText());
    assertEquals(0, pdb.at("/status/disruptionsAllowed").asInt());
  }
}
