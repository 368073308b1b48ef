package dev.flotilla.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.policies.placement.Scheduler;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;

/**
 * CPU of the placement algorithm alone for one binding over N clusters shaped like the simulated
 * members (37 group-versions of API enablements, the federation bench's ConfigMap placement): a
 * first schedule (no targets yet) and a reschedule (every cluster already a target), with the floor
 * of reading each cluster's name once as the baseline of the same run.
 */
final class SchedulerCost {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private SchedulerCost() {}

  static void run(int clusters, int rounds) {
    List<JsonNode> fleet = new ArrayList<>();
    for (int i = 1; i <= clusters; i++) {
      fleet.add(cluster("member" + i));
    }
    ObjectNode first = JSON.createObjectNode();
    first.putObject("resource").put("apiVersion", "v1").put("kind", "ConfigMap").put("name", "c");
    first
        .putObject("placement")
        .putObject("clusterAffinity")
        .putObject("labelSelector")
        .putObject("matchLabels")
        .put("flotilla.dev/simulated", "true");
    Scheduler scheduler = Scheduler.withDefaultPlugins();
    ObjectNode again = first.deepCopy();
    again.set("clusters", scheduler.schedule(null, first, null, fleet).clustersJson());
    System.out.printf(
        "schedule cost, %d clusters, %d schedules per figure (the last of 5 rounds)%n",
        clusters, rounds);
    for (int round = 0; round < 5; round++) {
      long a = cpu();
      long names = 0;
      for (int i = 0; i < rounds; i++) {
        for (JsonNode c : fleet) {
          names += c.path("metadata").path("name").asText().length();
        }
      }
      long b = cpu();
      for (int i = 0; i < rounds; i++) {
        scheduler.schedule(null, first, null, fleet);
      }
      long c = cpu();
      for (int i = 0; i < rounds; i++) {
        scheduler.schedule(null, again, null, fleet);
      }
      long d = cpu();
      if (round == 4) {
        System.out.printf(
            "  baseline, each cluster's name read once: %.4f ms (%d chars)%n",
            (b - a) / 1e6 / rounds, names);
        System.out.printf("  first schedule (no targets): %.4f ms CPU%n", (c - b) / 1e6 / rounds);
        System.out.printf(
            "  reschedule (all %d clusters targets): %.4f ms CPU%n",
            clusters, (d - c) / 1e6 / rounds);
      }
    }
  }

  private static long cpu() {
    return THREADS.getCurrentThreadCpuTime();
  }

  /** A Cluster as a simulated member reports it. */
  private static JsonNode cluster(String name) {
    ObjectNode c = JSON.createObjectNode();
    ObjectNode meta = c.putObject("metadata");
    meta.put("name", name);
    meta.putObject("labels").put("flotilla.dev/simulated", "true");
    ObjectNode spec = c.putObject("spec");
    spec.put("provider", "sim").put("region", "region-a").put("syncMode", "Pull");
    spec.putArray("zones").add("zone-a1");
    ObjectNode status = c.putObject("status");
    ArrayNode enablements = status.putArray("apiEnablements");
    for (int g = 0; g < 37; g++) {
      ObjectNode e = enablements.addObject();
      e.put("groupVersion", g == 18 ? "v1" : "group" + g + ".example.io/v1");
      ArrayNode resources = e.putArray("resources");
      for (String kind : g == 18 ? List.of("Service", "Secret", "ConfigMap") : List.of("A", "B")) {
        resources.addObject().put("name", kind.toLowerCase() + "s").put("kind", kind);
      }
    }
    status
        .putArray("conditions")
        .addObject()
        .put("type", "CompleteAPIEnablements")
        .put("status", "True");
    return c;
  }
}
