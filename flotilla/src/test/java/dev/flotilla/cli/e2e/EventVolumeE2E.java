package dev.flotilla.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.controller.FailoverOptions;
import dev.flotilla.controller.runtime.EventRecorder;
import dev.flotilla.controller.runtime.Trees;
import dev.flotilla.fixtures.Await;
import io.fabric8.kubernetes.api.model.Event;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A fan-out to ten members writes a handful of Events per template, not one per member and step:
 * similar events are one series. Prints the figures (events recorded by the controllers, which the
 * recorder before series would each have written, against Event writes made).
 */
class EventVolumeE2E {
  private static final int MEMBERS = 10;

  @RegisterExtension
  static final FleetExtension FLEET =
      new FleetExtension(
          new Fleet.Options(
              MEMBERS,
              Duration.ofSeconds(40),
              Duration.ofSeconds(2),
              Duration.ofSeconds(1),
              FailoverOptions.DEFAULTS));

  @Test
  void aTenClusterFanOutWritesOneEventPerReasonPerObject() {
    Fleet fleet = FLEET.fleet();
    String ns = fleet.newNamespace("volume");
    long recorded0 = EventRecorder.recorded();
    long writes0 = EventRecorder.writes();
    fleet.create(
        Propagation.deployment(ns, "fan", 1)
            + """
            ---
            apiVersion: policy.karmada.io/v1alpha1
            kind: PropagationPolicy
            metadata: {name: fan, namespace: %1$s}
            spec:
              resourceSelectors: [{apiVersion: apps/v1, kind: Deployment, name: fan}]
              placement: {}
            """
                .formatted(ns));
    JsonNode template =
        Await.until(
            "the Deployment ready on all " + MEMBERS + " members",
            Duration.ofSeconds(240),
            () -> {
              JsonNode d = ExplainE2E.deployment(fleet, ns, "fan");
              return d.path("status").path("readyReplicas").asInt() == MEMBERS ? d : null;
            });
    // Held repeats are written at the end of their interval: wait until the writes settle.
    long[] last = {-1};
    long[] stableSince = {System.nanoTime()};
    Await.until(
        "event writes settle",
        Duration.ofSeconds(240),
        () -> {
          long now = EventRecorder.writes();
          if (now != last[0]) {
            last[0] = now;
            stableSince[0] = System.nanoTime();
            return null;
          }
          return System.nanoTime() - stableSince[0] > Duration.ofSeconds(15).toNanos()
              ? true
              : null;
        });
    long recorded = EventRecorder.recorded() - recorded0;
    long writes = EventRecorder.writes() - writes0;
    JsonNode binding = fleet.binding(ns, "Deployment", "fan");
    JsonNode policy =
        Trees.tree(
            fleet
                .hubClient()
                .genericKubernetesResources("policy.karmada.io/v1alpha1", "PropagationPolicy")
                .inNamespace(ns)
                .withName("fan")
                .get());
    int objects = 0;
    StringBuilder counts = new StringBuilder();
    for (JsonNode about : List.of(template, binding, policy)) {
      List<Event> events = Explain.events(fleet, ns, about);
      objects += events.size();
      Set<String> reasons = new HashSet<>();
      for (Event e : events) {
        assertTrue(
            reasons.add(e.getReason()),
            "one Event per reason on "
                + Trees.text(about, "kind")
                + ": "
                + Explain.reasons(events));
        counts
            .append(' ')
            .append(Trees.text(about, "kind"))
            .append('/')
            .append(e.getReason())
            .append('x')
            .append(e.getCount());
      }
    }
    System.out.printf(
        "[bench] events for one Deployment on %d clusters: %d recorded by the controllers (the"
            + " old recorder wrote each), %d Event writes (creates and patches), %d Event objects"
            + " (template, binding, policy), machine load %s;%s%n",
        MEMBERS, recorded, writes, objects, load(), counts);
    assertTrue(objects <= 12, "Event objects for one template: " + objects);
    assertEquals(MEMBERS, Fleet.scheduledClusters(binding).size(), "scheduled to every member");
  }

  private static String load() {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0];
    } catch (java.io.IOException e) {
      return "?";
    }
  }
}
