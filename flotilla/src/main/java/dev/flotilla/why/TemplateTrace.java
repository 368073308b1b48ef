package dev.flotilla.why;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.controller.runtime.Kinds;
import dev.flotilla.controller.runtime.Trees;
import dev.flotilla.policies.names.Names;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Everything the hub knows about one resource template's way to the members, read through the hub's
 * API with the caller's own credentials: what RBAC withholds is noted, not fatal.
 *
 * @param template the template, null when it does not exist
 * @param propagationPolicies the PropagationPolicies of its namespace
 * @param clusterPolicies every ClusterPropagationPolicy
 * @param binding its (Cluster)ResourceBinding, null when none
 * @param clusters every Cluster
 * @param works the binding's Work per cluster (clusters scheduled, evicted or reporting)
 * @param events recent Events about the template and the binding, oldest first
 * @param notes what could not be read, and why
 */
public record TemplateTrace(
    ResourceKinds.Kind kind,
    String namespace,
    String name,
    JsonNode template,
    List<JsonNode> propagationPolicies,
    List<JsonNode> clusterPolicies,
    JsonNode binding,
    List<JsonNode> clusters,
    Map<String, JsonNode> works,
    List<JsonNode> events,
    List<String> notes) {

  /** Reads the trace of {@code kind} {@code namespace/name} from the hub. */
  public static TemplateTrace collect(
      KubernetesClient hub, ResourceKinds.Kind kind, String namespace, String name) {
    List<String> notes = new ArrayList<>();
    String ns = kind.namespaced() ? namespace : null;
    JsonNode template =
        read(
            notes,
            kind.plural(),
            () -> {
              var r = hub.genericKubernetesResources(kind.apiVersion(), kind.kind());
              return one(
                  ns == null ? r.withName(name).get() : r.inNamespace(ns).withName(name).get());
            });
    List<JsonNode> pps =
        ns == null
            ? List.of()
            : list(
                notes,
                "propagationpolicies",
                () ->
                    hub.genericKubernetesResources(Kinds.PROPAGATION_POLICY)
                        .inNamespace(ns)
                        .list()
                        .getItems());
    List<JsonNode> cpps =
        list(
            notes,
            "clusterpropagationpolicies",
            () ->
                hub.genericKubernetesResources(Kinds.CLUSTER_PROPAGATION_POLICY).list().getItems());
    String bindingName = Names.bindingName(name, kind.kind());
    JsonNode binding =
        read(
            notes,
            ns == null ? "clusterresourcebindings" : "resourcebindings",
            () ->
                one(
                    ns == null
                        ? hub.genericKubernetesResources(Kinds.CLUSTER_RESOURCE_BINDING)
                            .withName(bindingName)
                            .get()
                        : hub.genericKubernetesResources(Kinds.RESOURCE_BINDING)
                            .inNamespace(ns)
                            .withName(bindingName)
                            .get()));
    List<JsonNode> clusters =
        list(
            notes,
            "clusters",
            () -> hub.genericKubernetesResources(Kinds.CLUSTER).list().getItems());
    Map<String, JsonNode> works = new LinkedHashMap<>();
    if (binding != null) {
      String workName = Names.workName(ns, name, kind.kind());
      for (String cluster : clustersOf(binding)) {
        JsonNode work =
            read(
                notes,
                "works in " + Names.executionNamespace(cluster),
                () ->
                    one(
                        hub.genericKubernetesResources(Kinds.WORK)
                            .inNamespace(Names.executionNamespace(cluster))
                            .withName(workName)
                            .get()));
        works.put(cluster, work);
      }
    }
    List<JsonNode> events = new ArrayList<>();
    for (JsonNode about : new JsonNode[] {template, binding}) {
      String uid = about == null ? null : Trees.text(about, "metadata", "uid");
      if (uid != null) {
        events.addAll(
            list(
                notes,
                "events",
                () ->
                    hub.v1()
                        .events()
                        .inNamespace(ns == null ? "default" : ns)
                        .withField("involvedObject.uid", uid)
                        .list()
                        .getItems()));
      }
    }
    events.sort(
        java.util.Comparator.comparing(e -> String.valueOf(Trees.text(e, "lastTimestamp"))));
    return new TemplateTrace(
        kind, ns, name, template, pps, cpps, binding, clusters, works, events, notes);
  }

  /** Clusters the binding is scheduled to, evicted from, or has status of, in that order. */
  static Set<String> clustersOf(JsonNode binding) {
    Set<String> out = new LinkedHashSet<>();
    binding.path("spec").path("clusters").forEach(c -> out.add(c.path("name").asText()));
    binding
        .path("spec")
        .path("gracefulEvictionTasks")
        .forEach(t -> out.add(t.path("fromCluster").asText()));
    binding
        .path("status")
        .path("aggregatedStatus")
        .forEach(a -> out.add(a.path("clusterName").asText()));
    return out;
  }

  private static JsonNode one(Object obj) {
    return obj == null ? null : Trees.tree(obj);
  }

  private static JsonNode read(List<String> notes, String what, Supplier<JsonNode> get) {
    try {
      return get.get();
    } catch (KubernetesClientException e) {
      notes.add("cannot read " + what + ": " + reason(e));
      return null;
    }
  }

  private static List<JsonNode> list(
      List<String> notes, String what, Supplier<List<? extends Object>> get) {
    try {
      List<JsonNode> out = new ArrayList<>();
      for (Object o : get.get()) {
        out.add(Trees.tree(o));
      }
      return out;
    } catch (KubernetesClientException e) {
      notes.add("cannot list " + what + ": " + reason(e));
      return List.of();
    }
  }

  private static String reason(KubernetesClientException e) {
    if (e.getStatus() != null && e.getStatus().getMessage() != null) {
      return e.getStatus().getMessage();
    }
    return e.getCode() == 403 ? "forbidden" : e.getMessage();
  }
}
