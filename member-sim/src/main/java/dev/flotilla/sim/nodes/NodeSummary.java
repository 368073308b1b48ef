package dev.flotilla.sim.nodes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.Json;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a Karmada Cluster's status says about a member's nodes and resources, computed from the
 * member's nodes and pods as Karmada's cluster status controller does, so tests can compare.
 *
 * @param totalNum nodes
 * @param readyNum nodes whose Ready condition is True
 * @param allocatable sum of the nodes' allocatable cpu, memory and pods
 * @param allocating requests of pods not yet scheduled (cpu, memory, pods)
 * @param allocated requests of scheduled pods that have not finished (cpu, memory, pods)
 */
public record NodeSummary(
    int totalNum,
    int readyNum,
    Map<String, String> allocatable,
    Map<String, String> allocating,
    Map<String, String> allocated) {

  /** Summarizes {@code nodes} and {@code pods} (stored objects). */
  public static NodeSummary of(List<? extends JsonNode> nodes, List<? extends JsonNode> pods) {
    int ready = 0;
    Totals allocatable = new Totals();
    for (JsonNode node : nodes) {
      if (NodeShapes.isReady(node)) {
        ready++;
      }
      JsonNode a = node.path("status").path("allocatable");
      allocatable.add(
          a.path("cpu").asText("0"),
          a.path("memory").asText("0"),
          new BigDecimal(a.path("pods").asText("0")));
    }
    Totals allocating = new Totals();
    Totals allocated = new Totals();
    for (JsonNode pod : pods) {
      String phase = pod.path("status").path("phase").asText();
      if (phase.equals("Succeeded") || phase.equals("Failed")) {
        continue;
      }
      Totals t = pod.path("spec").path("nodeName").asText("").isEmpty() ? allocating : allocated;
      for (JsonNode c : pod.path("spec").path("containers")) {
        JsonNode requests = c.path("resources").path("requests");
        t.add(
            requests.path("cpu").asText("0"), requests.path("memory").asText("0"), BigDecimal.ZERO);
      }
      t.pods = t.pods.add(BigDecimal.ONE);
    }
    return new NodeSummary(
        nodes.size(), ready, allocatable.toMap(), allocating.toMap(), allocated.toMap());
  }

  /** The {@code nodeSummary} and {@code resourceSummary} of a Karmada Cluster status. */
  public ObjectNode toClusterStatus() {
    ObjectNode status = Json.MAPPER.createObjectNode();
    status.putObject("nodeSummary").put("totalNum", totalNum).put("readyNum", readyNum);
    ObjectNode resources = status.putObject("resourceSummary");
    resources.set("allocatable", Json.MAPPER.valueToTree(allocatable));
    resources.set("allocating", Json.MAPPER.valueToTree(allocating));
    resources.set("allocated", Json.MAPPER.valueToTree(allocated));
    return status;
  }

  /** Running sums in base units. */
  private static final class Totals {
    private BigDecimal cpu = BigDecimal.ZERO;
    private BigDecimal memory = BigDecimal.ZERO;
    private BigDecimal pods = BigDecimal.ZERO;

    void add(String cpuQuantity, String memoryQuantity, BigDecimal podCount) {
      cpu = cpu.add(Quantities.parse(cpuQuantity));
      memory = memory.add(Quantities.parse(memoryQuantity));
      pods = pods.add(podCount);
    }

    Map<String, String> toMap() {
      Map<String, String> m = new LinkedHashMap<>();
      m.put("cpu", Quantities.formatCpu(cpu));
      m.put("memory", Quantities.formatBytes(memory));
      m.put("pods", pods.toBigInteger().toString());
      return m;
    }
  }
}
