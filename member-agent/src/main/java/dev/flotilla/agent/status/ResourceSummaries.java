package dev.flotilla.agent.status;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.agent.kube.Json;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Pod;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * The Cluster's {@code nodeSummary} and {@code resourceSummary} from the member's nodes and pods,
 * as Karmada computes them: allocatable is the sum of node allocatable; allocated sums the requests
 * of scheduled, unfinished pods (plus a pod count); allocating the same for pods not yet scheduled.
 * A pod requests the larger of its containers' sum and its biggest init container, plus its
 * overhead.
 */
final class ResourceSummaries {
  private ResourceSummaries() {}

  static ObjectNode nodeSummary(List<Node> nodes) {
    ObjectNode summary = Json.object();
    summary.put("totalNum", nodes.size());
    summary.put("readyNum", nodes.stream().filter(ResourceSummaries::ready).count());
    return summary;
  }

  static ObjectNode resourceSummary(List<Node> nodes, List<Pod> pods) {
    Quantities allocatable = new Quantities();
    for (Node node : nodes) {
      if (node.getStatus() != null) {
        allocatable.addAll(node.getStatus().getAllocatable());
      }
    }
    Quantities allocated = new Quantities();
    Quantities allocating = new Quantities();
    for (Pod pod : pods) {
      if (finished(pod)) {
        continue;
      }
      boolean scheduled =
          pod.getSpec() != null
              && pod.getSpec().getNodeName() != null
              && !pod.getSpec().getNodeName().isEmpty();
      Quantities target = scheduled ? allocated : allocating;
      target.plus(requests(pod));
      target.add("pods", BigDecimal.ONE, false);
    }
    ObjectNode summary = Json.object();
    put(summary, "allocatable", allocatable);
    put(summary, "allocating", allocating);
    put(summary, "allocated", allocated);
    return summary;
  }

  private static void put(ObjectNode summary, String field, Quantities q) {
    if (!q.isEmpty()) {
      ObjectNode out = summary.putObject(field);
      q.rendered().forEach(out::put);
    }
  }

  static Quantities requests(Pod pod) {
    Quantities containers = new Quantities();
    Quantities biggestInit = new Quantities();
    if (pod.getSpec() == null) {
      return containers;
    }
    for (Container c : pod.getSpec().getContainers()) {
      containers.addAll(requestsOf(c));
    }
    for (Container c : pod.getSpec().getInitContainers()) {
      Quantities one = new Quantities();
      one.addAll(requestsOf(c));
      biggestInit = biggestInit.max(one);
    }
    Quantities total = containers.max(biggestInit);
    if (pod.getSpec().getOverhead() != null) {
      total.addAll(pod.getSpec().getOverhead());
    }
    return total;
  }

  private static Map<String, io.fabric8.kubernetes.api.model.Quantity> requestsOf(Container c) {
    return c.getResources() == null ? null : c.getResources().getRequests();
  }

  private static boolean finished(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  private static boolean ready(Node node) {
    if (node.getStatus() == null) {
      return false;
    }
    for (NodeCondition c : node.getStatus().getConditions()) {
      if ("Ready".equals(c.getType())) {
        return "True".equals(c.getStatus());
      }
    }
    return false;
  }
}
