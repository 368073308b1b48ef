package dev.flotilla.agent.registration;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.agent.kube.Json;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What registration asks of the Cluster object, as a JSON merge patch: only the fields the agent
 * owns, so whatever an admin set (taints, resource models, other labels) survives.
 */
final class ClusterSpecs {
  /** A pull-mode cluster: the agent, not the hub, applies its Works. */
  static final String SYNC_MODE_PULL = "Pull";

  private ClusterSpecs() {}

  /** The facts the agent reports about its member. */
  record Registration(
      String provider,
      String region,
      List<String> zones,
      Map<String, String> labels,
      String apiEndpoint,
      String id) {}

  /** The merge patch that makes an existing Cluster say what {@code r} says. */
  static ObjectNode patch(Registration r) {
    ObjectNode patch = Json.object();
    if (!r.labels().isEmpty()) {
      ObjectNode labels = Json.metadata(patch).putObject("labels");
      new TreeMap<>(r.labels()).forEach(labels::put);
    }
    ObjectNode spec = patch.putObject("spec");
    spec.put("syncMode", SYNC_MODE_PULL);
    putIfSet(spec, "apiEndpoint", r.apiEndpoint());
    putIfSet(spec, "id", r.id());
    putIfSet(spec, "provider", r.provider());
    putIfSet(spec, "region", r.region());
    if (!r.zones().isEmpty()) {
      ArrayNode zones = spec.putArray("zones");
      r.zones().forEach(zones::add);
    }
    return patch;
  }

  /** A whole new Cluster named {@code name} built from {@code r}. */
  static ObjectNode newCluster(String name, Registration r) {
    ObjectNode cluster = patch(r);
    cluster.put("apiVersion", "cluster.karmada.io/v1alpha1");
    cluster.put("kind", "Cluster");
    Json.metadata(cluster).put("name", name);
    return cluster;
  }

  private static void putIfSet(ObjectNode spec, String field, String value) {
    if (value != null && !value.isEmpty()) {
      spec.put(field, value);
    }
  }
}
