package dev.flotilla.controller.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.controller.runtime.Changes;
import dev.flotilla.controller.runtime.Controller;
import dev.flotilla.controller.runtime.EnqueueHandler;
import dev.flotilla.controller.runtime.EventRecorder;
import dev.flotilla.controller.runtime.HubInformers;
import dev.flotilla.controller.runtime.Kinds;
import dev.flotilla.controller.runtime.Reconciler;
import dev.flotilla.controller.runtime.Trees;
import dev.flotilla.controller.runtime.TrustedBindings;
import dev.flotilla.policies.eviction.GracefulEviction;
import dev.flotilla.policies.eviction.PreservedState;
import dev.flotilla.policies.eviction.TaintEviction;
import dev.flotilla.policies.placement.plugins.TaintToleration;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Karmada's NoExecute taint manager: for each Cluster with NoExecute taints, every binding
 * scheduled there that does not tolerate them (or whose {@code tolerationSeconds} ran out) is
 * evicted: the cluster leaves {@code spec.clusters} for a graceful eviction task (purge mode from
 * {@code failover.cluster}, else the hub's default; state kept per {@code statePreservation}), and
 * the scheduler places the binding again. Clusters with NoExecute taints are looked at again every
 * few seconds, as Karmada's retry frequency, so bindings that arrive later are caught too.
 */
public final class TaintManager implements Reconciler, AutoCloseable {
  public static final String NAME = "taint-manager";
  private static final Logger LOG = LoggerFactory.getLogger(TaintManager.class);
  private static final Duration RETRY = Duration.ofSeconds(10);

  private final KubernetesClient hub;
  private final Controller controller;
  private final String defaultPurgeMode;
  private final EventRecorder events;
  private final SharedIndexInformer<GenericKubernetesResource> clusters;
  private final SharedIndexInformer<GenericKubernetesResource> bindings;
  private final SharedIndexInformer<GenericKubernetesResource> clusterBindings;

  public TaintManager(KubernetesClient hub, HubInformers informers, String defaultPurgeMode) {
    this.hub = hub;
    this.defaultPurgeMode = defaultPurgeMode;
    this.events = new EventRecorder(hub, NAME);
    this.controller = new Controller(NAME, this, 2);
    this.bindings = informers.inform(Kinds.RESOURCE_BINDING, null);
    this.clusterBindings = informers.inform(Kinds.CLUSTER_RESOURCE_BINDING, null);
    this.clusters =
        informers.inform(
            Kinds.CLUSTER,
            new EnqueueHandler<GenericKubernetesResource>(
                    controller, c -> List.of(c.getMetadata().getName()))
                .onlyIf(Changes::beyondStatus));
    informers.whenSynced(controller::start);
  }

  @Override
  public Result reconcile(String clusterName) {
    GenericKubernetesResource cached = clusters.getIndexer().getByKey(clusterName);
    if (cached == null) {
      return Result.DONE;
    }
    List<JsonNode> taints = TaintEviction.noExecuteTaints(Trees.tree(cached));
    if (taints.isEmpty()) {
      return Result.DONE;
    }
    Instant now = Instant.now();
    Duration next = RETRY;
    // One binding decoded at a time: a list of them all would hold every binding on the heap.
    List<java.util.function.Supplier<GenericKubernetesResource>> all = new ArrayList<>();
    bindings.getIndexer().listKeys().forEach(k -> all.add(() -> bindings.getIndexer().getByKey(k)));
    clusterBindings
        .getIndexer()
        .listKeys()
        .forEach(k -> all.add(() -> clusterBindings.getIndexer().getByKey(k)));
    for (var read : all) {
      GenericKubernetesResource b = read.get();
      if (b == null
          || b.getMetadata().getDeletionTimestamp() != null
          || !TrustedBindings.trusted(b)) {
        continue;
      }
      ObjectNode binding = Trees.tree(b);
      if (!targets(binding, clusterName)) {
        continue;
      }
      List<JsonNode> tolerations = new ArrayList<>();
      binding.path("spec").path("placement").path("clusterTolerations").forEach(tolerations::add);
      TaintEviction.Verdict v = TaintEviction.decide(taints, tolerations, now);
      if (v.evict()) {
        evict(binding, clusterName, taints, now);
      } else if (v.after() != null && v.after().compareTo(next) < 0) {
        next = v.after().plusMillis(100);
      }
    }
    return Result.after(next);
  }

  private static boolean targets(JsonNode binding, String cluster) {
    for (JsonNode c : binding.path("spec").path("clusters")) {
      if (cluster.equals(c.path("name").asText())) {
        return true;
      }
    }
    return false;
  }

  private void evict(ObjectNode binding, String cluster, List<JsonNode> taints, Instant now) {
    JsonNode failover = binding.path("spec").path("failover").path("cluster");
    String purgeMode =
        failover.isObject()
            ? failover.path("purgeMode").asText(GracefulEviction.PURGE_GRACEFULLY)
            : defaultPurgeMode;
    Map<String, String> preserved = null;
    JsonNode rules = failover.path("statePreservation");
    if (!rules.path("rules").isEmpty()) {
      try {
        preserved = PreservedState.extract(rules, statusIn(binding, cluster));
      } catch (RuntimeException e) {
        // As Karmada: no eviction without the state; the next round tries again.
        record(binding, "Warning", "EvictWorkloadFromClusterFailed", e.getMessage());
        return;
      }
    }
    List<String> described = new ArrayList<>();
    taints.forEach(t -> described.add(TaintToleration.describe(t)));
    String message =
        "cluster "
            + cluster
            + " has NoExecute taint(s) "
            + described
            + " the binding does not tolerate";
    ObjectNode next = binding.deepCopy();
    if (!GracefulEviction.evict(
        next.with("spec"),
        cluster,
        GracefulEviction.TaskOptions.of(
                purgeMode,
                GracefulEviction.PRODUCER_TAINT_MANAGER,
                GracefulEviction.REASON_TAINT_UNTOLERATED,
                message)
            .withPreservedLabelState(preserved),
        now)) {
      return;
    }
    boolean crb = "ClusterResourceBinding".equals(Trees.text(binding, "kind"));
    var resources =
        hub.genericKubernetesResources(
            crb ? Kinds.CLUSTER_RESOURCE_BINDING : Kinds.RESOURCE_BINDING);
    try {
      (crb ? resources : resources.inNamespace(Trees.text(binding, "metadata", "namespace")))
          .resource(Trees.generic(next))
          .update();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409 || e.getCode() == 404) {
        return; // changed meanwhile: the next round decides on the new version
      }
      record(binding, "Warning", "EvictWorkloadFromClusterFailed", e.getMessage());
      throw e;
    }
    LOG.info(NAME + ": evicted " + Trees.text(binding, "metadata", "name") + " from " + cluster);
    record(
        binding,
        "Normal",
        "EvictWorkloadFromClusterSucceed",
        "Evict from cluster " + cluster + " succeed (" + purgeMode + "): " + message + ".");
  }

  private static JsonNode statusIn(JsonNode binding, String cluster) {
    for (JsonNode item : binding.path("status").path("aggregatedStatus")) {
      if (cluster.equals(item.path("clusterName").asText()) && item.has("status")) {
        return item.path("status");
      }
    }
    throw new IllegalStateException(
        "the application status has not yet been collected from cluster " + cluster);
  }

  private void record(JsonNode binding, String type, String reason, String message) {
    events.record(
        Trees.text(binding, "apiVersion"),
        Trees.text(binding, "kind"),
        Trees.text(binding, "metadata", "namespace"),
        Trees.text(binding, "metadata", "name"),
        Trees.text(binding, "metadata", "uid"),
        type,
        reason,
        message);
  }

  @Override
  public void close() {
    controller.close();
  }
}
