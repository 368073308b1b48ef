package dev.flotilla.controller.scheduler;

import dev.flotilla.controller.runtime.ContentHash;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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

  /**
   * The hash of a binding's scheduling inputs over {@code clusters} (not deleting, in order), read
   * from the decoded object: uid (so kind and name), generation (spec), annotations (whether a
   * policy places it) and the scheduler's status fields.
   */
  static ContentHash.Hash inputs(
      GenericKubernetesResource binding,
      List<GenericKubernetesResource> clusters,
      ClusterViews views) {
    var meta = binding.getMetadata();
    Map<?, ?> status = map(binding.getAdditionalProperties().get("status"));
    Map<String, Object> scheduler = new TreeMap<>();
    for (String field : STATUS_FIELDS) {
      scheduler.put(field, status.get(field));
    }
    if (status.get("conditions") instanceof List<?> conditions) {
      for (Object c : conditions) {
        if (c instanceof Map<?, ?> m && "Scheduled".equals(m.get("type"))) {
          scheduler.put("scheduled", m);
        }
      }
    }
    Map<?, ?> spec = map(binding.getAdditionalProperties().get("spec"));
    // Karmada's IsWorkload, widened: any of these keys makes the replica estimate read capacity.
    boolean workload =
        spec.containsKey("replicas")
            || spec.containsKey("replicaRequirements")
            || spec.containsKey("components");
    List<Object> all = new ArrayList<>();
    all.add(meta.getUid());
    all.add(meta.getGeneration());
    all.add(meta.getAnnotations());
    all.add(scheduler);
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

  private static Map<?, ?> map(Object o) {
    return o instanceof Map<?, ?> m ? m : Map.of();
  }

  /** Whether {@code key} has a memo to compare against. */
  boolean remembers(String key) {
    return byKey.containsKey(key);
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
