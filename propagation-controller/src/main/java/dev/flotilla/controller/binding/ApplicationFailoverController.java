package dev.flotilla.controller.binding;

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
import dev.flotilla.policies.eviction.ApplicationFailover;
import dev.flotilla.policies.eviction.GracefulEviction;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Karmada's application failover controllers: a binding whose policy sets {@code
 * failover.application} is evicted from a cluster where its workload has stayed Unhealthy for
 * {@code decisionConditions.tolerationSeconds}; the scheduler then places it elsewhere and the
 * graceful eviction controller ends the task. When a copy first turned unhealthy is kept in memory,
 * as Karmada does: a new leader starts counting afresh.
 */
public final class ApplicationFailoverController implements Reconciler, AutoCloseable {
  public static final String NAME = "application-failover-controller";
  private static final long DEFAULT_TOLERATION_SECONDS = 300;

  private final KubernetesClient hub;
  private final Controller controller;
  private final EventRecorder events;
  private final SharedIndexInformer<GenericKubernetesResource> bindings;
  private final SharedIndexInformer<GenericKubernetesResource> clusterBindings;
  private final Map<String, Map<String, Instant>> unhealthySince = new ConcurrentHashMap<>();

  public ApplicationFailoverController(KubernetesClient hub, HubInformers informers) {
    this.hub = hub;
    this.events = new EventRecorder(hub, NAME);
    this.controller = new Controller(NAME, this, 2);
    this.bindings =
        informers.inform(
            Kinds.RESOURCE_BINDING,
            new EnqueueHandler<GenericKubernetesResource>(controller, b -> keys(b))
                .onlyIf(Changes::statusOrBeyond));
    this.clusterBindings =
        informers.inform(
            Kinds.CLUSTER_RESOURCE_BINDING,
            new EnqueueHandler<GenericKubernetesResource>(controller, b -> keys(b))
                .onlyIf(Changes::statusOrBeyond));
    informers.whenSynced(controller::start);
  }

  /** Bindings that fail over, or did (so what is remembered of them goes). */
  private List<String> keys(GenericKubernetesResource b) {
    String key = BindingKey.of(b);
    boolean failsOver = Trees.tree(b).path("spec").path("failover").path("application").isObject();
    return TrustedBindings.trusted(b) && (failsOver || unhealthySince.containsKey(key))
        ? List.of(key)
        : List.of();
  }

  @Override
  public Result reconcile(String key) {
    BindingKey ref = BindingKey.parse(key);
    GenericKubernetesResource cached =
        (ref.clusterScoped() ? clusterBindings : bindings).getIndexer().getByKey(ref.cacheKey());
    ObjectNode binding = cached == null ? null : Trees.tree(cached);
    JsonNode application =
        binding == null ? null : binding.path("spec").path("failover").path("application");
    if (binding == null
        || cached.getMetadata().getDeletionTimestamp() != null
        || !application.isObject()
        || binding.path("status").path("aggregatedStatus").isEmpty()
        || (!ref.clusterScoped() && !binding.path("spec").path("propagateDeps").asBoolean(false))) {
      unhealthySince.remove(key);
      return Result.DONE;
    }
    JsonNode spec = binding.path("spec");
    ApplicationFailover.Health health = ApplicationFailover.classify(spec, binding.path("status"));
    Map<String, Instant> since =
        unhealthySince.computeIfAbsent(key, k -> new ConcurrentHashMap<>());
    ApplicationFailover.Decision decision =
        ApplicationFailover.decide(
            health.unhealthy(),
            application
                .path("decisionConditions")
                .path("tolerationSeconds")
                .asLong(DEFAULT_TOLERATION_SECONDS),
            since,
            Instant.now());
    Set<String> targets = new HashSet<>();
    spec.path("clusters").forEach(c -> targets.add(c.path("name").asText()));
    if (!decision.evict().isEmpty() && !evict(ref, binding, application, decision.evict())) {
      return Result.after(Duration.ofSeconds(2));
    }
    decision.evict().forEach(targets::remove);
    since.keySet().removeIf(c -> !targets.contains(c) || health.others().contains(c));
    return decision.next() == null ? Result.DONE : Result.after(decision.next());
  }

  /** Evicts the binding from {@code clusters}; false to try again later. */
  private boolean evict(
      BindingKey ref, ObjectNode binding, JsonNode application, List<String> clusters) {
    List<String> before = new ArrayList<>();
    binding.path("spec").path("clusters").forEach(c -> before.add(c.path("name").asText()));
    ObjectNode next = binding.deepCopy();
    Instant now = Instant.now();
    for (String cluster : clusters) {
      GracefulEviction.TaskOptions task;
      try {
        task =
            ApplicationFailover.task(
                application,
                binding.path("status"),
                cluster,
                ref.clusterScoped()
                    ? ApplicationFailover.CRB_PRODUCER
                    : ApplicationFailover.RB_PRODUCER,
                before);
      } catch (RuntimeException e) {
        record(binding, "Warning", "EvictWorkloadFromClusterFailed", e.getMessage());
        return false;
      }
      GracefulEviction.evict(next.with("spec"), cluster, task, now);
    }
    var resources =
        hub.genericKubernetesResources(
            ref.clusterScoped() ? Kinds.CLUSTER_RESOURCE_BINDING : Kinds.RESOURCE_BINDING);
    try {
      (ref.clusterScoped() ? resources : resources.inNamespace(ref.namespace()))
          .resource(Trees.generic(next))
          .update();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        return false;
      }
      if (e.getCode() == 404) {
        return true;
      }
      throw e;
    }
    for (String cluster : clusters) {
      record(
          binding,
          "Normal",
          "EvictWorkloadFromClusterSucceed",
          "Evict from cluster " + cluster + " succeed: the application failed there.");
    }
    return true;
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
