package dev.flotilla.controller.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.controller.runtime.ContentHash;
import dev.flotilla.policies.placement.Bindings;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per binding, the hash of every input of its last schedule that wrote nothing: the binding's uid,
 * generation and the status fields the scheduler reads or owns, and every Cluster's placement view
 * (with resource summaries for workloads). A reconcile whose inputs hash the same would compute the
 * same placement and write nothing again, so it is skipped: a restarted hub sees dozens of Cluster
 * changes, and each used to cost a full schedule of every binding.
 */
final class ScheduleMemo {
  /** The inputs' hash, and whether that schedule succeeded (else it is retried on a timer). */
  record Entry(ContentHash.Hash inputs, boolean scheduled) {}

  private static final List<String> STATUS_FIELDS =
      List.of("schedulerObservedGeneration", "schedulerObservingAffinityName", "lastScheduledTime");

  private final Map<String, Entry> byKey = new ConcurrentHashMap<>();

  /** The hash of a binding's scheduling inputs over {@code clusters} (not deleting, in order). */
  static ContentHash.Hash inputs(
      JsonNode binding, List<GenericKubernetesResource> clusters, ClusterViews views) {
    JsonNode meta = binding.path("metadata");
    ObjectNode status = JsonNodeFactory.instance.objectNode();
    for (String field : STATUS_FIELDS) {
      status.set(field, binding.path("status").get(field));
    }
    for (JsonNode c : binding.path("status").path("conditions")) {
      if ("Scheduled".equals(c.path("type").asText())) {
        status.set("scheduled", c);
      }
    }
    boolean workload = Bindings.isWorkload(binding.path("spec"));
    List<Object> all = new ArrayList<>();
    all.add(meta.path("uid").asText());
    all.add(meta.path("generation").asLong());
    all.add(status);
    for (GenericKubernetesResource c : clusters) {
      ClusterViews.View v = views.view(c);
      all.add(c.getMetadata().getName());
      all.add(v.placement().high());
      all.add(v.placement().low());
      if (workload) {
        all.add(v.capacity().high());
        all.add(v.capacity().low());
      }
    }
    return ContentHash.ofPlain(all);
  }

  /** The memo of {@code key} if it was made from {@code inputs}, else null. */
  Entry unchanged(String key, ContentHash.Hash inputs) {
    Entry e = byKey.get(key);
    return e != null && e.inputs().equals(inputs) ? e : null;
  }

  void remember(String key, ContentHash.Hash inputs, boolean scheduled) {
    byKey.put(key, new Entry(inputs, scheduled));
  }

  void forget(String key) {
    byKey.remove(key);
  }
}
