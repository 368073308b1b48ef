package dev.flotilla.controller.rebalancer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.controller.runtime.Controller;
import dev.flotilla.controller.runtime.EnqueueHandler;
import dev.flotilla.controller.runtime.HubInformers;
import dev.flotilla.controller.runtime.Kinds;
import dev.flotilla.controller.runtime.Reconciler;
import dev.flotilla.controller.runtime.Trees;
import dev.flotilla.policies.names.Names;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * Karmada's WorkloadRebalancer controller ({@code apps.karmada.io/v1alpha1}): each listed
 * workload's binding gets {@code spec.rescheduleTriggeredAt} set to the rebalancer's creation time,
 * so the scheduler places it afresh, as if new; the outcome per workload (Successful, or Failed
 * with ReferencedBindingNotFound) goes into the status, with {@code finishTime} once every workload
 * has one. With {@code ttlSecondsAfterFinished} the rebalancer is deleted that long after.
 */
public final class WorkloadRebalancerController implements Reconciler, AutoCloseable {
  public static final String NAME = "workload-rebalancer";
  public static final String NOT_FOUND = "ReferencedBindingNotFound";

  private final KubernetesClient hub;
  private final Controller controller;
  private final SharedIndexInformer<GenericKubernetesResource> rebalancers;

  public WorkloadRebalancerController(KubernetesClient hub, HubInformers informers) {
    this.hub = hub;
    this.controller = new Controller(NAME, this, 1);
    this.rebalancers = informers.inform(Kinds.WORKLOAD_REBALANCER, EnqueueHandler.self(controller));
    informers.whenSynced(controller::start);
  }

  @Override
  public Result reconcile(String name) {
    GenericKubernetesResource cached = rebalancers.getIndexer().getByKey(name);
    if (cached == null || cached.getMetadata().getDeletionTimestamp() != null) {
      return Result.DONE;
    }
    ObjectNode rebalancer = Trees.tree(cached);
    JsonNode ttl = rebalancer.path("spec").path("ttlSecondsAfterFinished");
    Instant finished = instant(Trees.text(rebalancer, "status", "finishTime"));
    if (finished != null && ttl.isIntegralNumber()) {
      Duration left = Duration.between(Instant.now(), finished.plusSeconds(ttl.asLong()));
      if (left.isNegative() || left.isZero()) {
        hub.genericKubernetesResources(Kinds.WORKLOAD_REBALANCER).withName(name).delete();
        return Result.DONE;
      }
      return Result.after(left);
    }
    String created = Trees.text(rebalancer, "metadata", "creationTimestamp");
    ObjectNode status =
        rebalancer.path("status").deepCopy() instanceof ObjectNode o ? o : rebalancer.objectNode();
    ArrayNode observed = status.putArray("observedWorkloads");
    boolean retry = false;
    for (JsonNode workload : rebalancer.path("spec").path("workloads")) {
      ObjectNode item = observed.addObject();
      item.set("workload", workload.deepCopy());
      JsonNode previous = previous(rebalancer.path("status"), workload);
      if (previous != null && previous.has("result")) {
        // An outcome is final, as in Karmada: a later edit does not trigger the same workload
        // twice.
        item.put("result", previous.path("result").asText());
        if (previous.has("reason")) {
          item.put("reason", previous.path("reason").asText());
        }
        continue;
      }
      try {
        if (trigger(workload, created)) {
          item.put("result", "Successful");
        } else {
          item.put("result", "Failed");
          item.put("reason", NOT_FOUND);
        }
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
        retry = true; // the binding changed meanwhile: try it again, no outcome yet
      }
    }
    status.put("observedGeneration", rebalancer.path("metadata").path("generation").asLong());
    boolean all = !retry;
    for (JsonNode item : observed) {
      all &= item.has("result");
    }
    if (all && !status.has("finishTime")) {
      status.put("finishTime", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    }
    if (!Trees.same(status, rebalancer.path("status"))) {
      rebalancer.set("status", status);
      try {
        hub.genericKubernetesResources(Kinds.WORKLOAD_REBALANCER)
            .resource(Trees.generic(rebalancer))
            .updateStatus();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
        return Result.after(Duration.ofMillis(200));
      }
    }
    return retry ? Result.after(Duration.ofMillis(500)) : Result.DONE;
  }

  /** Sets the binding's rescheduleTriggeredAt; false when the workload has no binding. */
  private boolean trigger(JsonNode workload, String created) {
    String namespace = workload.path("namespace").asText("");
    String bindingName =
        Names.bindingName(workload.path("name").asText(), workload.path("kind").asText());
    var resources =
        hub.genericKubernetesResources(
            namespace.isEmpty() ? Kinds.CLUSTER_RESOURCE_BINDING : Kinds.RESOURCE_BINDING);
    var one =
        namespace.isEmpty()
            ? resources.withName(bindingName)
            : resources.inNamespace(namespace).withName(bindingName);
    GenericKubernetesResource binding = one.get();
    if (binding == null) {
      return false;
    }
    ObjectNode tree = Trees.tree(binding);
    JsonNode r = tree.path("spec").path("resource");
    if (!workload.path("apiVersion").asText().equals(r.path("apiVersion").asText())
        || !workload.path("kind").asText().equals(r.path("kind").asText())) {
      return false; // a binding of that name, but for another kind: not this workload's
    }
    Instant current = instant(Trees.text(tree, "spec", "rescheduleTriggeredAt"));
    Instant wanted = instant(created);
    if (current == null || (wanted != null && current.isBefore(wanted))) {
      tree.with("spec").put("rescheduleTriggeredAt", created);
      (namespace.isEmpty() ? resources : resources.inNamespace(namespace))
          .resource(Trees.generic(tree))
          .update();
    }
    return true;
  }

  private static JsonNode previous(JsonNode status, JsonNode workload) {
    for (JsonNode item : status.path("observedWorkloads")) {
      if (Trees.same(item.path("workload"), workload)) {
        return item;
      }
    }
    return null;
  }

  private static Instant instant(String s) {
    if (s == null || s.isEmpty()) {
      return null;
    }
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  @Override
  public void close() {
    controller.close();
  }
}
