package dev.flotilla.agent.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.agent.kube.Json;
import dev.flotilla.policies.conditions.Conditions;
import dev.flotilla.policies.conditions.Conditions.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The desired Cluster status from the previous status and a fresh {@link MemberObservation}: a pure
 * function, so what the agent reports can be tested without servers. Fields the agent could not
 * observe this time keep their last value.
 */
final class ClusterStatusBuilder {
  static final String READY = "Ready";
  static final String COMPLETE_API_ENABLEMENTS = "CompleteAPIEnablements";

  private ClusterStatusBuilder() {}

  static ObjectNode build(JsonNode previous, MemberObservation seen, String now) {
    return build(previous, seen, now, false);
  }

  /**
   * As {@link #build(JsonNode, MemberObservation, String)}; with {@code holdReady} the previous
   * Ready condition stays as it is (a flip not yet past its threshold, see {@link ReadyThreshold}).
   */
  static ObjectNode build(
      JsonNode previous, MemberObservation seen, String now, boolean holdReady) {
    ObjectNode status =
        previous != null && previous.isObject()
            ? ((ObjectNode) previous).deepCopy()
            : Json.object();
    List<Condition> conditions = new ArrayList<>();
    if (!holdReady || Conditions.find(status.get("conditions"), READY) == null) {
      conditions.add(readyCondition(seen));
    }
    if (seen.reachable()) {
      if (seen.gitVersion() != null) {
        status.put("kubernetesVersion", seen.gitVersion());
      }
      if (!seen.apiEnablements().isEmpty()) {
        status.set("apiEnablements", apiEnablements(seen.apiEnablements()));
      }
      conditions.add(enablementsCondition(seen));
      if (seen.nodes() != null) {
        status.set("nodeSummary", ResourceSummaries.nodeSummary(seen.nodes()));
        if (seen.pods() != null) {
          status.set(
              "resourceSummary", ResourceSummaries.resourceSummary(seen.nodes(), seen.pods()));
        }
      }
    }
    status.set("conditions", Conditions.merge(status.get("conditions"), conditions, now));
    return status;
  }

  /** The Ready status {@code seen} calls for, before any threshold. */
  static String observedReady(MemberObservation seen) {
    return seen.reachable() && seen.healthy() ? "True" : "False";
  }

  private static Condition readyCondition(MemberObservation seen) {
    if (!seen.reachable()) {
      return new Condition(READY, "False", "ClusterNotReachable", "cluster is not reachable", null);
    }
    if (!seen.healthy()) {
      return new Condition(
          READY,
          "False",
          "ClusterNotReady",
          "cluster is reachable but health endpoint responded without ok",
          null);
    }
    return new Condition(
        READY, "True", "ClusterReady", "cluster is healthy and ready to accept workloads", null);
  }

  private static Condition enablementsCondition(MemberObservation seen) {
    if (seen.apiEnablements().isEmpty()) {
      return new Condition(
          COMPLETE_API_ENABLEMENTS,
          "False",
          "Empty",
          "collected no API enablements from the cluster",
          null);
    }
    if (!seen.discoveryComplete()) {
      return new Condition(
          COMPLETE_API_ENABLEMENTS,
          "False",
          "Partial",
          "collected partial API enablements from the cluster",
          null);
    }
    return new Condition(
        COMPLETE_API_ENABLEMENTS,
        "True",
        "Complete",
        "collected complete API enablements from the cluster",
        null);
  }

  /** {@code [{groupVersion, resources[{name, kind}]}]}, sorted as Karmada sorts them. */
  static ArrayNode apiEnablements(Map<String, Map<String, String>> byGroupVersion) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    new TreeMap<>(byGroupVersion)
        .forEach(
            (gv, resources) -> {
              ObjectNode e = out.addObject();
              e.put("groupVersion", gv);
              ArrayNode list = e.putArray("resources");
              new TreeMap<>(resources)
                  .forEach(
                      (name, kind) -> {
                        ObjectNode r = list.addObject();
                        r.put("name", name);
                        r.put("kind", kind);
                      });
            });
    return out;
  }
}
