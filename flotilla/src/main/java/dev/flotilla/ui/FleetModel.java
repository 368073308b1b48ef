package dev.flotilla.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.discovery.InstanceIndex;
import dev.flotilla.policies.names.Names;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the fleet view shows, kept from hub informers (Clusters, bindings, MCS derived Works) and
 * the discovery {@link InstanceIndex}: never a store query per page load. {@link #revision()}
 * changes whenever any of them does, so an unchanged view is answered with a 304, and {@link
 * #onChange} tells open streams that it did.
 */
final class FleetModel implements AutoCloseable {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private final InstanceIndex instances;
  private final SharedIndexInformer<GenericKubernetesResource> clusters;
  private final SharedIndexInformer<GenericKubernetesResource> bindings;
  private final SharedIndexInformer<GenericKubernetesResource> clusterBindings;
  private final SharedIndexInformer<GenericKubernetesResource> derived;
  private final AtomicLong revision = new AtomicLong();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private final Runnable stopInstances;

  FleetModel(KubernetesClient hub, InstanceIndex instances) {
    this.instances = instances;
    // Instance revisions are folded into revision(): their changes are changes of the view too.
    this.stopInstances = instances.watchAll(this::changed);
    clusters = informer(hub.genericKubernetesResources("cluster.karmada.io/v1alpha1", "Cluster"));
    bindings =
        informer(
            hub.genericKubernetesResources("work.karmada.io/v1alpha2", "ResourceBinding")
                .inAnyNamespace());
    clusterBindings =
        informer(
            hub.genericKubernetesResources("work.karmada.io/v1alpha2", "ClusterResourceBinding"));
    derived =
        informer(
            hub.genericKubernetesResources("work.karmada.io/v1alpha1", "Work")
                .inAnyNamespace()
                .withLabel("flotilla.dev/mcs-role", "derived"));
  }

  private SharedIndexInformer<GenericKubernetesResource> informer(
      io.fabric8.kubernetes.client.dsl.Informable<GenericKubernetesResource> source) {
    SharedIndexInformer<GenericKubernetesResource> i = source.runnableInformer(0);
    // Compact: the hub holds bindings by the ten thousand, and a decoded copy of each (~10 KiB) was
    // the largest thing on a big hub's heap; the view decodes them only when it renders.
    i.itemStore(new dev.flotilla.controller.runtime.CompactItemStore());
    i.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(GenericKubernetesResource obj) {
            changed();
          }

          @Override
          public void onUpdate(GenericKubernetesResource o, GenericKubernetesResource n) {
            changed();
          }

          @Override
          public void onDelete(GenericKubernetesResource obj, boolean unknown) {
            changed();
          }
        });
    i.start();
    return i;
  }

  private void changed() {
    revision.incrementAndGet();
    listeners.forEach(Runnable::run);
  }

  /**
   * Calls {@code listener} (on an informer's thread: it must not block) after each change of {@link
   * #revision()}; returns the handle to stop.
   */
  Runnable onChange(Runnable listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  /** Changes whenever anything shown changes (instance revisions are folded in). */
  String revision() {
    long sum = 0;
    for (InstanceIndex.Snapshot s : instances.services().values()) {
      sum += Long.parseLong(s.revision());
    }
    return revision.get() + "-" + sum;
  }

  /** One row per Cluster: ready, version, sync mode, taints and resource summary. */
  ArrayNode clusters() {
    ArrayNode out = MAPPER.createArrayNode();
    for (JsonNode c : sorted(clusters)) {
      ObjectNode row = out.addObject();
      row.put("name", c.path("metadata").path("name").asText());
      row.put("mode", c.path("spec").path("syncMode").asText(""));
      row.put("ready", condition(c, "Ready"));
      row.put("version", c.path("status").path("kubernetesVersion").asText(""));
      ArrayNode taints = row.putArray("taints");
      for (JsonNode t : c.path("spec").path("taints")) {
        String value = t.path("value").asText("");
        taints.add(
            t.path("key").asText()
                + (value.isEmpty() ? "" : "=" + value)
                + ":"
                + t.path("effect").asText());
      }
      JsonNode summary = c.path("status").path("resourceSummary");
      ObjectNode resources = row.putObject("resources");
      for (String r : List.of("cpu", "memory", "pods")) {
        ObjectNode q = resources.putObject(r);
        q.put("allocatable", summary.path("allocatable").path(r).asText(""));
        q.put("allocated", summary.path("allocated").path(r).asText(""));
      }
    }
    return out;
  }

  /** One row per binding: its template, the policy that claimed it, placement and health. */
  ArrayNode templates() {
    ArrayNode out = MAPPER.createArrayNode();
    List<JsonNode> all = new ArrayList<>(sorted(bindings));
    all.addAll(sorted(clusterBindings));
    for (JsonNode b : all) {
      JsonNode resource = b.path("spec").path("resource");
      JsonNode annotations = b.path("metadata").path("annotations");
      ObjectNode row = out.addObject();
      row.put("kind", resource.path("kind").asText());
      row.put("namespace", resource.path("namespace").asText(""));
      row.put("name", resource.path("name").asText());
      row.put("binding", b.path("metadata").path("name").asText());
      String policy = annotations.path(Names.PP_NAME_ANNOTATION).asText("");
      if (policy.isEmpty()) {
        String cpp = annotations.path(Names.CPP_NAME_ANNOTATION).asText("");
        row.put("policy", cpp.isEmpty() ? "" : "ClusterPropagationPolicy/" + cpp);
      } else {
        row.put("policy", "PropagationPolicy/" + policy);
      }
      row.put("scheduled", condition(b, "Scheduled"));
      Map<String, JsonNode> status = new TreeMap<>();
      for (JsonNode s : b.path("status").path("aggregatedStatus")) {
        status.put(s.path("clusterName").asText(), s);
      }
      ArrayNode placement = row.putArray("placement");
      for (JsonNode target : b.path("spec").path("clusters")) {
        String cluster = target.path("name").asText();
        JsonNode s = status.get(cluster);
        ObjectNode p = placement.addObject();
        p.put("cluster", cluster);
        if (target.has("replicas")) {
          p.put("replicas", target.path("replicas").asInt());
        }
        p.put("applied", s != null && s.path("applied").asBoolean(false));
        p.put("health", s == null ? "Unknown" : s.path("health").asText("Unknown"));
      }
    }
    return out;
  }

  /**
   * One entry per multi-cluster service: its providers (clusters exporting endpoints, with ready
   * and total counts from the discovery index) and consumers (clusters given a derived Service).
   */
  ArrayNode services() {
    Map<String, ObjectNode> byKey = new TreeMap<>();
    for (Map.Entry<String, InstanceIndex.Snapshot> e : instances.services().entrySet()) {
      ObjectNode svc = service(byKey, e.getKey());
      Map<String, int[]> counts = new TreeMap<>();
      for (JsonNode i : e.getValue().instances()) {
        int[] c = counts.computeIfAbsent(i.path("cluster").asText(), k -> new int[2]);
        c[1]++;
        if (i.path("ready").asBoolean()) {
          c[0]++;
        }
      }
      ArrayNode providers = svc.withArray("providers");
      counts.forEach(
          (cluster, c) ->
              providers
                  .addObject()
                  .put("cluster", cluster)
                  .put("ready", c[0])
                  .put("endpoints", c[1]));
    }
    for (JsonNode w : sorted(derived)) {
      JsonNode labels = w.path("metadata").path("labels");
      String key =
          labels.path("flotilla.dev/service-namespace").asText()
              + "/"
              + labels.path("flotilla.dev/service-name").asText();
      String ns = w.path("metadata").path("namespace").asText();
      if (!ns.startsWith(Names.EXECUTION_NAMESPACE_PREFIX)
          || w.path("metadata").has("deletionTimestamp")) {
        continue;
      }
      service(byKey, key)
          .withArray("consumers")
          .addObject()
          .put("cluster", ns.substring(Names.EXECUTION_NAMESPACE_PREFIX.length()))
          .put(
              "derivedService",
              w.path("metadata").path("annotations").path("flotilla.dev/derived-service").asText());
    }
    ArrayNode out = MAPPER.createArrayNode();
    byKey.values().forEach(out::add);
    return out;
  }

  private static ObjectNode service(Map<String, ObjectNode> byKey, String key) {
    return byKey.computeIfAbsent(
        key,
        k -> {
          ObjectNode s = MAPPER.createObjectNode();
          s.put("namespace", k.substring(0, k.indexOf('/')));
          s.put("name", k.substring(k.indexOf('/') + 1));
          s.putArray("providers");
          s.putArray("consumers");
          return s;
        });
  }

  boolean hasSynced() {
    return clusters.hasSynced()
        && bindings.hasSynced()
        && clusterBindings.hasSynced()
        && derived.hasSynced()
        && instances.hasSynced();
  }

  private static List<JsonNode> sorted(SharedIndexInformer<GenericKubernetesResource> informer) {
    List<JsonNode> out = new ArrayList<>();
    for (GenericKubernetesResource r : informer.getStore().list()) {
      out.add(MAPPER.valueToTree(r));
    }
    out.sort(
        Comparator.comparing(
            (JsonNode n) ->
                n.path("metadata").path("namespace").asText("")
                    + "/"
                    + n.path("metadata").path("name").asText()));
    return out;
  }

  private static String condition(JsonNode obj, String type) {
    for (JsonNode c : obj.path("status").path("conditions")) {
      if (type.equals(c.path("type").asText())) {
        return c.path("status").asText("Unknown");
      }
    }
    return "Unknown";
  }

  @Override
  public void close() {
    stopInstances.run();
    listeners.clear();
    clusters.stop();
    bindings.stop();
    clusterBindings.stop();
    derived.stop();
  }
}
