package dev.flotilla.controller.scheduler;

import dev.flotilla.controller.runtime.ContentHash;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The part of a Cluster that placement reads (the policies' placement plugins), hashed once per
 * resourceVersion: name, labels, deletion, spec (taints, region, zones, provider), API enablements
 * and the CompleteAPIEnablements condition; and, apart, its resource summary, which only the
 * replica estimate of workloads reads. Ready is not in it: the health controller turns readiness
 * into spec taints, and agents rewrite conditions' heartbeat times on every status round.
 */
final class ClusterViews {
  /** The placement view's hash and the resource summary's hash of one Cluster version. */
  record View(ContentHash.Hash placement, ContentHash.Hash capacity) {}

  private record Entry(String resourceVersion, View view) {}

  private final Map<String, Entry> byName = new ConcurrentHashMap<>();

  /** The view of a cached Cluster, computed once per resourceVersion. */
  View view(GenericKubernetesResource cluster) {
    String name = cluster.getMetadata().getName();
    String rv = cluster.getMetadata().getResourceVersion();
    Entry e = byName.get(name);
    if (e != null && rv != null && rv.equals(e.resourceVersion())) {
      return e.view();
    }
    View view =
        new View(
            ContentHash.ofPlain(placementView(cluster)),
            ContentHash.ofPlain(status(cluster).get("resourceSummary")));
    if (byName.size() > 100_000) {
      byName.clear(); // never grow without bound on a churning fleet
    }
    byName.put(name, new Entry(rv, view));
    return view;
  }

  /**
   * Whether an update changes what placement reads (resource summaries aside: capacity is retried
   * on a timer, as Karmada does, rather than rescheduling every binding on each heartbeat).
   */
  static boolean placementChanged(GenericKubernetesResource old, GenericKubernetesResource now) {
    return !ContentHash.ofPlain(placementView(old)).equals(ContentHash.ofPlain(placementView(now)));
  }

  private static List<Object> placementView(GenericKubernetesResource c) {
    List<Object> view = new ArrayList<>();
    view.add(c.getMetadata().getName());
    view.add(c.getMetadata().getLabels() == null ? Map.of() : c.getMetadata().getLabels());
    view.add(c.getMetadata().getDeletionTimestamp() != null);
    view.add(c.getAdditionalProperties().get("spec"));
    Map<?, ?> status = status(c);
    view.add(status.get("apiEnablements"));
    Object complete = null;
    if (status.get("conditions") instanceof List<?> conditions) {
      for (Object o : conditions) {
        if (o instanceof Map<?, ?> m && "CompleteAPIEnablements".equals(m.get("type"))) {
          complete = m.get("status");
        }
      }
    }
    view.add(complete);
    return view;
  }

  private static Map<?, ?> status(GenericKubernetesResource c) {
    return c.getAdditionalProperties().get("status") instanceof Map<?, ?> m ? m : Map.of();
  }
}
