package dev.flotilla.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.policies.names.McsNames;
import dev.flotilla.policies.names.Names;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The fleet-wide instance index behind the discovery API (ServiceComb's aggregated registry over
 * clusters): every endpoint every member exports, kept from two hub informers (the MCS export
 * report Works and the Clusters), never by querying the store per request. Each service has a
 * revision that changes exactly when its instance list changes.
 */
public final class InstanceIndex implements AutoCloseable {
  static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String ROLE = McsNames.ROLE;
  private static final String NS = McsNames.SERVICE_NAMESPACE;
  private static final String SVC = McsNames.SERVICE_NAME;

  /**
   * One service's instances at one revision. Immutable, so the answers rendered from it (one per
   * filter) are cached with it: a busy service is serialized once per change, not once per read.
   */
  public record Snapshot(String revision, ArrayNode instances, Map<String, String> rendered) {
    Snapshot(String revision, ArrayNode instances) {
      this(revision, instances, new ConcurrentHashMap<>());
    }

    /** The answer for one filter, rendered on first use. */
    public String render(String filter, java.util.function.Supplier<String> render) {
      String cached = rendered.get(filter);
      if (cached != null) {
        return cached;
      }
      String answer = render.get();
      if (rendered.size() < MAX_RENDERED) { // filters come from clients: keep the cache bounded
        rendered.putIfAbsent(filter, answer);
      }
      return answer;
    }
  }

  /** What the index needs of a Cluster: readiness and the zone its endpoints default to. */
  private record ClusterFacts(boolean ready, String zone) {}

  private static final String BY_SERVICE = "service";
  private static final int MAX_RENDERED = 64;

  private final SharedIndexInformer<GenericKubernetesResource> works;
  private final SharedIndexInformer<GenericKubernetesResource> clusters;
  private final Map<String, Snapshot> snapshots = new ConcurrentHashMap<>();
  private final Map<String, List<Consumer<Snapshot>>> watchers = new ConcurrentHashMap<>();
  private final List<Runnable> anyWatchers = new CopyOnWriteArrayList<>();
  private final AtomicLong revisions = new AtomicLong();
  private final Map<String, ClusterFacts> clusterFacts = new ConcurrentHashMap<>();

  public InstanceIndex(KubernetesClient hub) {
    this.works =
        hub.genericKubernetesResources("work.karmada.io/v1alpha1", "Work")
            .inAnyNamespace()
            .withLabel(ROLE, "export")
            .runnableInformer(0);
    this.clusters =
        hub.genericKubernetesResources("cluster.karmada.io/v1alpha1", "Cluster")
            .runnableInformer(0);
    works.addIndexers(Map.of(BY_SERVICE, w -> keyOf(w) == null ? List.of() : List.of(keyOf(w))));
    works.addEventHandler(handler(w -> rebuild(keyOf(w))));
    // Agents rewrite Cluster status every few seconds; only a change of readiness or zone changes
    // instances, and then only the services that cluster exports.
    clusters.addEventHandler(handler(this::clusterChanged));
    clusters.start();
    works.start();
  }

  private static ResourceEventHandler<GenericKubernetesResource> handler(
      Consumer<GenericKubernetesResource> f) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(GenericKubernetesResource obj) {
        f.accept(obj);
      }

      @Override
      public void onUpdate(GenericKubernetesResource oldObj, GenericKubernetesResource newObj) {
        f.accept(newObj);
      }

      @Override
      public void onDelete(GenericKubernetesResource obj, boolean unknown) {
        f.accept(obj);
      }
    };
  }

  private static String keyOf(GenericKubernetesResource w) {
    Map<String, String> l = w.getMetadata().getLabels();
    return l == null || l.get(SVC) == null ? null : l.get(NS) + "/" + l.get(SVC);
  }

  private void clusterChanged(GenericKubernetesResource c) {
    String name = c.getMetadata().getName();
    boolean gone = clusters.getStore().getByKey(name) == null;
    ClusterFacts facts = gone ? null : factsOf(c);
    ClusterFacts before = gone ? clusterFacts.remove(name) : clusterFacts.put(name, facts);
    if (java.util.Objects.equals(before, facts)) {
      return;
    }
    Set<String> keys = new TreeSet<>();
    for (GenericKubernetesResource w :
        works.getIndexer().byIndex(Cache.NAMESPACE_INDEX, Names.executionNamespace(name))) {
      if (keyOf(w) != null) {
        keys.add(keyOf(w));
      }
    }
    keys.forEach(this::rebuild);
  }

  private static ClusterFacts factsOf(GenericKubernetesResource c) {
    JsonNode tree = MAPPER.valueToTree(c);
    boolean ready = false;
    for (JsonNode cond : tree.path("status").path("conditions")) {
      if ("Ready".equals(cond.path("type").asText())
          && "True".equals(cond.path("status").asText())) {
        ready = true;
      }
    }
    JsonNode zones = tree.path("spec").path("zones");
    return new ClusterFacts(ready, zones.size() > 0 ? zones.get(0).asText() : null);
  }

  private synchronized void rebuild(String key) {
    if (key == null) {
      return;
    }
    List<ObjectNode> instances = new ArrayList<>();
    for (GenericKubernetesResource w : works.getIndexer().byIndex(BY_SERVICE, key)) {
      // A report that speaks for another cluster lists no instances (the MCS controller warns).
      if (w.getMetadata().getDeletionTimestamp() != null
          || !w.getMetadata().getNamespace().startsWith(Names.EXECUTION_NAMESPACE_PREFIX)
          || dev.flotilla.controller.mcs.McsReports.problem(w) != null) {
        continue;
      }
      String cluster =
          w.getMetadata().getNamespace().substring(Names.EXECUTION_NAMESPACE_PREFIX.length());
      ClusterFacts facts = clusterFacts.getOrDefault(cluster, new ClusterFacts(false, null));
      JsonNode work = MAPPER.valueToTree(w);
      for (JsonNode m : work.path("spec").path("workload").path("manifests")) {
        if (!"EndpointSlice".equals(m.path("kind").asText())) {
          continue;
        }
        for (JsonNode e : m.path("endpoints")) {
          boolean endpointReady =
              !e.path("conditions").has("ready")
                  || e.path("conditions").path("ready").asBoolean(true);
          for (JsonNode address : e.path("addresses")) {
            ObjectNode i = MAPPER.createObjectNode();
            i.put("cluster", cluster);
            i.put("address", address.asText());
            ArrayNode ports = i.putArray("ports");
            for (JsonNode p : m.path("ports")) {
              ObjectNode q = ports.addObject();
              if (p.has("name")) {
                q.set("name", p.get("name"));
              }
              q.put("port", p.path("port").asInt());
              q.put("protocol", p.path("protocol").asText("TCP"));
            }
            i.put("ready", endpointReady && facts.ready());
            String zone = e.path("zone").asText(null);
            i.put("zone", zone == null ? facts.zone() : zone);
            i.put("hostname", e.path("hostname").asText(null));
            i.put("nodeName", e.path("nodeName").asText(null));
            instances.add(i);
          }
        }
      }
    }
    instances.sort(
        (a, b) ->
            (a.path("cluster").asText() + "/" + a.path("address").asText())
                .compareTo(b.path("cluster").asText() + "/" + b.path("address").asText()));
    ArrayNode array = MAPPER.createArrayNode();
    instances.forEach(array::add);
    Snapshot old = snapshots.get(key);
    if (old != null && old.instances().equals(array)) {
      return;
    }
    if (old == null && array.isEmpty()) {
      return;
    }
    Snapshot next = new Snapshot(Long.toString(revisions.incrementAndGet()), array);
    snapshots.put(key, next);
    for (Consumer<Snapshot> w : watchers.getOrDefault(key, List.of())) {
      w.accept(next);
    }
    anyWatchers.forEach(Runnable::run);
  }

  /** The service's current instances (an empty list at revision "0" when never exported). */
  public Snapshot get(String namespace, String service) {
    return snapshots.getOrDefault(
        namespace + "/" + service, new Snapshot("0", MAPPER.createArrayNode()));
  }

  /** Whether any member ever reported {@code namespace/service} as exported. */
  public boolean known(String namespace, String service) {
    return snapshots.containsKey(namespace + "/" + service);
  }

  /** Every service exported at least once, by {@code <namespace>/<name>}: a copy. */
  public Map<String, Snapshot> services() {
    return Map.copyOf(snapshots);
  }

  /** Calls {@code listener} with each later snapshot; returns the handle to stop. */
  public Runnable watch(String namespace, String service, Consumer<Snapshot> listener) {
    String key = namespace + "/" + service;
    watchers.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(listener);
    return () -> watchers.getOrDefault(key, List.of()).remove(listener);
  }

  /** Calls {@code listener} after any service's snapshot changes; returns the handle to stop. */
  public Runnable watchAll(Runnable listener) {
    anyWatchers.add(listener);
    return () -> anyWatchers.remove(listener);
  }

  public boolean hasSynced() {
    return works.hasSynced() && clusters.hasSynced();
  }

  @Override
  public void close() {
    works.stop();
    clusters.stop();
  }
}
