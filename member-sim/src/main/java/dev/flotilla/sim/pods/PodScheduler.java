package dev.flotilla.sim.pods;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.Meta;
import dev.flotilla.sim.engine.Kinds;
import dev.flotilla.sim.engine.ObjectReader;
import dev.flotilla.sim.nodes.NodeShapes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Places pods on nodes: among the Ready, schedulable nodes that match the pod's nodeSelector and
 * required node affinity, round robin. Resources and taints are not considered.
 */
public final class PodScheduler {
  private final ObjectReader reader;
  private final Kinds kinds;
  private final AtomicLong next = new AtomicLong();

  public PodScheduler(ObjectReader reader, Kinds kinds) {
    this.reader = reader;
    this.kinds = kinds;
  }

  /** The node for a pod with {@code podSpec}, or empty when none fits. */
  public Optional<ObjectNode> pick(JsonNode podSpec) {
    List<ObjectNode> fit = new ArrayList<>();
    for (ObjectNode node : reader.list(kinds.nodes(), null)) {
      if (fits(podSpec, node)) {
        fit.add(node);
      }
    }
    if (fit.isEmpty()) {
      return Optional.empty();
    }
    fit.sort(Comparator.comparing(Meta::name));
    return Optional.of(fit.get((int) Math.floorMod(next.getAndIncrement(), (long) fit.size())));
  }

  /** The PodScheduled message when nothing fits, as kube-scheduler words it. */
  public String unschedulableMessage() {
    int nodes = reader.list(kinds.nodes(), null).size();
    return "0/"
        + nodes
        + " nodes are available: "
        + nodes
        + " node(s) didn't match Pod's node affinity/selector or were not ready.";
  }

  /** True when a pod with {@code podSpec} may run on {@code node}. */
  public static boolean fits(JsonNode podSpec, JsonNode node) {
    if (Meta.isDeleting((ObjectNode) node)
        || !NodeShapes.isReady(node)
        || node.path("spec").path("unschedulable").asBoolean(false)) {
      return false;
    }
    return matchesSelectors(podSpec, node);
  }

  /** nodeSelector and requiredDuringScheduling node affinity, ignoring readiness. */
  public static boolean matchesSelectors(JsonNode podSpec, JsonNode node) {
    Map<String, String> labels = Meta.labels(node);
    for (Map.Entry<String, JsonNode> e : podSpec.path("nodeSelector").properties()) {
      if (!e.getValue().asText().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    JsonNode terms =
        podSpec
            .path("affinity")
            .path("nodeAffinity")
            .path("requiredDuringSchedulingIgnoredDuringExecution")
            .path("nodeSelectorTerms");
    if (!terms.isArray() || terms.isEmpty()) {
      return true;
    }
    for (JsonNode term : terms) {
      if (termMatches(term, labels, node.path("metadata").path("name").asText())) {
        return true;
      }
    }
    return false;
  }

  private static boolean termMatches(JsonNode term, Map<String, String> labels, String nodeName) {
    boolean any = false;
    for (JsonNode expr : term.path("matchExpressions")) {
      any = true;
      if (!requirementMatches(expr, labels.get(expr.path("key").asText()))) {
        return false;
      }
    }
    for (JsonNode expr : term.path("matchFields")) {
      any = true;
      String value = "metadata.name".equals(expr.path("key").asText()) ? nodeName : null;
      if (!requirementMatches(expr, value)) {
        return false;
      }
    }
    return any;
  }

  private static boolean requirementMatches(JsonNode expr, String value) {
    List<String> values = new ArrayList<>();
    expr.path("values").forEach(v -> values.add(v.asText()));
    switch (expr.path("operator").asText()) {
      case "In":
        return value != null && values.contains(value);
      case "NotIn":
        return value == null || !values.contains(value);
      case "Exists":
        return value != null;
      case "DoesNotExist":
        return value == null;
      case "Gt":
      case "Lt":
        try {
          long actual = Long.parseLong(value);
          long bound = Long.parseLong(values.get(0));
          return expr.path("operator").asText().equals("Gt") ? actual > bound : actual < bound;
        } catch (RuntimeException e) {
          return false;
        }
      default:
        return false;
    }
  }
}
