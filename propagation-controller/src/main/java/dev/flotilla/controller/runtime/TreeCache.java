package dev.flotilla.controller.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Jackson trees of cached objects, converted once per resourceVersion: every placement reads every
 * Cluster, and a Cluster's status (API enablements, summaries) is large. The trees are shared, so
 * callers must not mutate them.
 */
public final class TreeCache {
  private record Entry(String resourceVersion, JsonNode tree) {}

  private final Map<String, Entry> byName = new ConcurrentHashMap<>();

  public JsonNode tree(GenericKubernetesResource obj) {
    String key = obj.getKind() + "/" + Keys.of(obj);
    String rv = obj.getMetadata().getResourceVersion();
    Entry e = byName.get(key);
    if (e != null && rv != null && rv.equals(e.resourceVersion())) {
      return e.tree();
    }
    JsonNode tree = Trees.tree(obj);
    if (byName.size() > 10_000) {
      byName.clear(); // only for small kinds; never grow without bound
    }
    byName.put(key, new Entry(rv, tree));
    return tree;
  }
}
