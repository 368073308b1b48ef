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

  @Test
  void aProviderBackAtWhatTheConsumerHoldsIsNotALostVersion() {
    PropagationTracker t = new PropagationTracker(Map.of("ns/a", List.of("c1")));
    t.providerWrote("p", "ns/a", "A", 0);
    t.consumerWrote("c1", "ns/a", "p", "A", 5);
    t.startMeasuring();
    // Not ready, then ready again before the pipeline delivered the first: level-based stages
    // skip B, and applying A again changes nothing in the consumer, so it never writes.
    t.providerWrote("p", "ns/a", "B", 100);
    t.providerWrote("p", "ns/a", "A", 110);
    assertEquals(2, t.outstanding(), "pending until settled: what the old summary called lost");
    assertTrue(t.settle().isEmpty());
    assertEquals(2, t.alreadyThere());
    assertEquals(0, t.outstanding());
    assertFalse(t.busy("ns/a"));
  }

  @Test
  void aConsumerBehindItsProviderAfterSettlingIsLost() {
    PropagationTracker t = new PropagationTracker(Map.of("ns/a", List.of("c1", "c2")));
    t.providerWrote("p", "ns/a", "A", 0);
    t.consumerWrote("c1", "ns/a", "p", "A", 5);
    t.consumerWrote("c2", "ns/a", "p", "A", 5);
    t.startMeasuring();
    t.providerWrote("p", "ns/a", "B", 100);
    t.providerWrote("p", "ns/a", "C", 200);
    t.consumerWrote("c1", "ns/a", "p", "C", 300);
    t.consumerWrote("c2", "ns/a", "p", "B", 250); // an intermediate version left as its state
    List<PropagationTracker.Lost> lost = t.settle();
    assertEquals(1, lost.size());
    assertEquals("c2", lost.get(0).consumer());
    assertEquals(List.of("C"), lost.get(0).pending());
    assertEquals("B", lost.get(0).consumerNow());
    assertEquals(200, t.lastProviderChange());
  }

  @Test
  void queueFiguresComeFromTheBucketsBetweenTwoScrapes() {
    String before =
        String.join(
            "\n",
            "workqueue_queue_duration_seconds_bucket{name=\"mcs-controller\",le=\"0.001\"} 10.0",
            "workqueue_queue_duration_seconds_bucket{name=\"mcs-controller\",le=\"0.01\"} 10.0",
            "workqueue_queue_duration_seconds_bucket{name=\"mcs-controller\",le=\"+Inf\"} 10.0",
            "workqueue_queue_duration_seconds_bucket{name=\"binding-controller\",le=\"0.01\"} 99.0",
            "workqueue_work_duration_seconds_count{name=\"mcs-controller\"} 10.0",
            "workqueue_retries_total{name=\"mcs-controller\"} 1.0");
    String after =
        String.join(
            "\n",
            "workqueue_queue_duration_seconds_bucket{name=\"mcs-controller\",le=\"0.001\"} 10.0",
            "workqueue_queue_duration_seconds_bucket{name=\"mcs-controller\",le=\"0.01\"} 110.0",
            "workqueue_queue_duration_seconds_bucket{name=\"mcs-controller\",le=\"+Inf\"} 110.0",
            "workqueue_work_duration_seconds_count{name=\"mcs-controller\"} 110.0",
            "workqueue_retries_total{name=\"mcs-controller\"} 3.0");
    ControllerQueueStats d =
        ControllerQueueStats.parse(after, "mcs-controller")
            .since(ControllerQueueStats.parse(before, "mcs-controller"));
    assertEquals(100, d.reconciles());
    assertEquals(2, d.retries());
    // 100 waits, all between 1 and 10 ms: the median halfway through that bucket
    assertEquals(5.5, ControllerQueueStats.percentileMillis(d.waitBuckets(), 50), 1e-9);
    assertEquals(10.0, ControllerQueueStats.percentileMillis(d.waitBuckets(), 100), 1e-9);
  }
}
