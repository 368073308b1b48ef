package dev.flotilla.controller.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.controller.runtime.Changes;
import dev.flotilla.controller.runtime.Controller;
import dev.flotilla.controller.runtime.EnqueueHandler;
import dev.flotilla.controller.runtime.EventRecorder;
import dev.flotilla.controller.runtime.HubInformers;
import dev.flotilla.controller.runtime.Kinds;
import dev.flotilla.controller.runtime.Reconciler;
import dev.flotilla.controller.runtime.Trees;
import dev.flotilla.policies.eviction.ClusterTaintRules;
import dev.flotilla.policies.placement.plugins.TaintToleration;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Karmada's ClusterTaintPolicy controller: when a Cluster's status conditions (or a policy) change,
 * every policy targeting the Cluster adds or removes its taints, oldest policy first ({@link
 * ClusterTaintRules}). Taints are never removed because a policy is deleted, as in Karmada. A
 * NoExecute taint put here is acted on by the {@link TaintManager} like any other.
 */
public final class ClusterTaintPolicyController implements Reconciler, AutoCloseable {
  public static final String NAME = "cluster-taint-policy-controller";

  private final KubernetesClient hub;
  private final Controller controller;
  private final EventRecorder events;
  private final SharedIndexInformer<GenericKubernetesResource> clusters;
  private final SharedIndexInformer<GenericKubernetesResource> policies;

  public ClusterTaintPolicyController(KubernetesClient hub, HubInformers informers) {
    this.hub = hub;
    this.events = new EventRecorder(hub, NAME);
    this.controller = new Controller(NAME, this, 1);
    this.clusters =
        informers.inform(
            Kinds.CLUSTER,
            new EnqueueHandler<GenericKubernetesResource>(
                    controller, c -> List.of(c.getMetadata().getName()))
                .onlyIf(Changes::placementRelevant));
    this.policies =
        informers.inform(
            Kinds.CLUSTER_TAINT_POLICY,
            new EnqueueHandler<GenericKubernetesResource>(controller, p -> allClusters()));
    informers.whenSynced(controller::start);
  }

  private List<String> allClusters() {
    List<String> names = new ArrayList<>();
    clusters.getStore().list().forEach(c -> names.add(c.getMetadata().getName()));
    return names;
  }

  @Override
  public Result reconcile(String name) {
    GenericKubernetesResource cached = clusters.getIndexer().getByKey(name);
    if (cached == null || cached.getMetadata().getDeletionTimestamp() != null) {
      return Result.DONE;
    }
    List<GenericKubernetesResource> sorted = new ArrayList<>(policies.getStore().list());
    sorted.sort(
        Comparator.comparing(
                (GenericKubernetesResource p) ->
                    String.valueOf(p.getMetadata().getCreationTimestamp()))
            .thenComparing(p -> p.getMetadata().getName()));
    List<JsonNode> trees = new ArrayList<>();
    for (GenericKubernetesResource p : sorted) {
      if (p.getMetadata().getDeletionTimestamp() == null) {
        trees.add(Trees.tree(p));
      }
    }
    ObjectNode cluster = Trees.tree(cached);
    ArrayNode taints = ClusterTaintRules.apply(cluster, trees, Instant.now());
    JsonNode before = cluster.path("spec").path("taints");
    if (Trees.same(taints, before.isArray() ? before : taints.arrayNode())) {
      return Result.DONE;
    }
    cluster.with("spec").set("taints", taints);
    try {
      // An update, not a patch: the taints were computed from this version (optimistic lock).
      hub.genericKubernetesResources(Kinds.CLUSTER).resource(Trees.generic(cluster)).update();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        return Result.after(Duration.ofMillis(200));
      }
      record(cluster, "Warning", "TaintClusterFailed", e.getMessage());
      throw e;
    }
    List<String> described = new ArrayList<>();
    taints.forEach(t -> described.add(TaintToleration.describe(t)));
    record(
        cluster,
        "Normal",
        "TaintClusterSucceed",
        "Update Cluster(" + name + ") with taints(" + String.join(",", described) + ") succeed");
    return Result.DONE;
  }

  private void record(JsonNode cluster, String type, String reason, String message) {
    events.record(
        "cluster.karmada.io/v1alpha1",
        "Cluster",
        null,
        Trees.text(cluster, "metadata", "name"),
        Trees.text(cluster, "metadata", "uid"),
        type,
        reason,
        message);
  }

  @Override
  public void close() {
    controller.close();
  }
}
