package dev.flotilla.controller.binding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.controller.runtime.Changes;
import dev.flotilla.controller.runtime.Controller;
import dev.flotilla.controller.runtime.EnqueueHandler;
import dev.flotilla.controller.runtime.HubInformers;
import dev.flotilla.controller.runtime.Kinds;
import dev.flotilla.controller.runtime.Reconciler;
import dev.flotilla.controller.runtime.Trees;
import dev.flotilla.controller.runtime.TrustedBindings;
import dev.flotilla.policies.eviction.GracefulEviction;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Karmada's graceful eviction controllers (ResourceBinding and ClusterResourceBinding): ends each
 * {@code spec.gracefulEvictionTasks} entry once every cluster the binding is now scheduled to
 * reports a Healthy workload, or once its grace period runs out. The binding controller keeps the
 * evicted cluster's Work while the task lasts and removes it when the task is gone.
 */
public final class GracefulEvictionController implements Reconciler, AutoCloseable {
  public static final String NAME = "graceful-eviction-controller";

  private final KubernetesClient hub;
  private final Controller controller;
  private final Duration timeout;
  private final SharedIndexInformer<GenericKubernetesResource> bindings;
  private final SharedIndexInformer<GenericKubernetesResource> clusterBindings;

  public GracefulEvictionController(
      KubernetesClient hub, HubInformers informers, Duration gracefulEvictionTimeout) {
    this.hub = hub;
    this.timeout = gracefulEvictionTimeout;
    this.controller = new Controller(NAME, this, 2);
    // Status matters: the new copies' health ends the wait.
    this.bindings =
        informers.inform(
            Kinds.RESOURCE_BINDING,
            new EnqueueHandler<GenericKubernetesResource>(
                    controller, GracefulEvictionController::keys)
                .onlyIf(Changes::statusOrBeyond));
    this.clusterBindings =
        informers.inform(
            Kinds.CLUSTER_RESOURCE_BINDING,
            new EnqueueHandler<GenericKubernetesResource>(
                    controller, GracefulEvictionController::keys)
                .onlyIf(Changes::statusOrBeyond));
    informers.whenSynced(controller::start);
  }

  private static List<String> keys(GenericKubernetesResource b) {
    return Trees.tree(b).path("spec").path("gracefulEvictionTasks").isEmpty()
            || !TrustedBindings.trusted(b)
        ? List.of()
        : List.of(BindingKey.of(b));
  }

  @Override
  public Result reconcile(String key) {
    BindingKey ref = BindingKey.parse(key);
    GenericKubernetesResource cached =
        (ref.clusterScoped() ? clusterBindings : bindings).getIndexer().getByKey(ref.cacheKey());
    if (cached == null || cached.getMetadata().getDeletionTimestamp() != null) {
      return Result.DONE;
    }
    ObjectNode binding = Trees.tree(cached);
    JsonNode spec = binding.path("spec");
    if (spec.path("gracefulEvictionTasks").isEmpty()) {
      return Result.DONE;
    }
    GracefulEviction.Assessment a =
        GracefulEviction.assess(
            spec, binding.path("status"), scheduled(binding), timeout, Instant.now());
    if (!Trees.same(a.kept(), spec.path("gracefulEvictionTasks"))) {
      ObjectNode next = binding.deepCopy();
      if (a.kept().isEmpty()) {
        next.with("spec").remove("gracefulEvictionTasks");
      } else {
        next.with("spec").set("gracefulEvictionTasks", a.kept());
      }
      try {
        var resources =
            hub.genericKubernetesResources(
                ref.clusterScoped() ? Kinds.CLUSTER_RESOURCE_BINDING : Kinds.RESOURCE_BINDING);
        (ref.clusterScoped() ? resources : resources.inNamespace(ref.namespace()))
            .resource(Trees.generic(next))
            .update();
      } catch (KubernetesClientException e) {
        if (e.getCode() == 409) {
          return Result.after(Duration.ofMillis(500)); // the binding moved on; assess it again
        }
        if (e.getCode() != 404) {
          throw e;
        }
        return Result.DONE;
      }
    }
    return a.next() == null ? Result.DONE : Result.after(a.next().plusMillis(100));
  }

  /** The scheduler has seen the binding's current spec (Karmada's hasScheduled). */
  private static boolean scheduled(JsonNode binding) {
    return binding.path("status").path("schedulerObservedGeneration").asLong(-1)
        == binding.path("metadata").path("generation").asLong(0);
  }

  @Override
  public void close() {
    controller.close();
  }
}
