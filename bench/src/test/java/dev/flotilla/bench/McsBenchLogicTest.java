package dev.flotilla.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class McsBenchLogicTest {

  @Test
  void topologyHasOneOrTwoProvidersAndTwoOrThreeDistinctConsumers() {
    McsTopology t = McsTopology.plan(100, 1000, 10);
    assertEquals(1000, t.services().size());
    assertEquals(1500, t.exports());
    assertEquals(2334, t.imports());
    for (McsTopology.Service s : t.services()) {
      Set<Integer> all = new HashSet<>(s.providers());
      all.addAll(s.consumers());
      assertEquals(s.providers().size() + s.consumers().size(), all.size(), s.toString());
    }
    McsTopology small = McsTopology.plan(3, 6, 1);
    small.services().forEach(s -> assertFalse(s.consumers().isEmpty(), s.toString()));
  }

  @Test
  void contentKeepsAddressesAndReadinessOnly() throws Exception {
    var slice =
        new ObjectMapper()
            .readTree(
                "{\"endpoints\":[{\"addresses\":[\"10.0.0.9\"],\"hostname\":\"x\"},"
                    + "{\"addresses\":[\"10.0.0.2\"],\"conditions\":{\"ready\":false}}]}");
    assertEquals("10.0.0.2=N,10.0.0.9=R", EndpointContent.of(slice));
    assertEquals(2, EndpointContent.size(EndpointContent.of(slice)));
  }

  @Test
  void aLaterConsumerVersionCompletesEarlierOnes() {
    PropagationTracker t = new PropagationTracker(Map.of("ns/a", List.of("c1", "c2")));
    t.providerWrote("p", "ns/a", "A", 0);
    t.consumerWrote("c1", "ns/a", "p", "A", 5);
    t.consumerWrote("c2", "ns/a", "p", "A", 5);
    assertEquals(2, t.converged());
    t.startMeasuring();
    t.providerWrote("p", "ns/a", "B", 100);
    t.providerWrote("p", "ns/a", "B", 110); // same content: no new version
    t.providerWrote("p", "ns/a", "C", 200);
    assertTrue(t.busy("ns/a"));
    assertEquals(4, t.versions());
    t.consumerWrote("c1", "ns/a", "p", "C", 300); // B coalesced into C
    t.consumerWrote("c2", "ns/a", "p", "B", 150);
    t.consumerWrote("c2", "ns/a", "p", "C", 260);
    assertFalse(t.busy("ns/a"));
    assertEquals(0, t.outstanding());
    assertEquals(1, t.superseded());
    assertEquals(4, t.latency().count());
    assertEquals(200 / 1e6, t.latency().percentileMillis(100));
  }
}
