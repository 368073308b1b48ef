package dev.flotilla.controller.binding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.controller.detector.DesiredBinding;
import dev.flotilla.controller.interpreter.HubInterpreter;
import dev.flotilla.controller.runtime.EventRecorder;
import dev.flotilla.controller.runtime.Kinds;
import dev.flotilla.controller.runtime.Trees;
import dev.flotilla.policies.dependencies.AttachedBindings;
import dev.flotilla.policies.interpreter.InterpretationException;
import dev.flotilla.policies.interpreter.Operation;
import dev.flotilla.policies.status.StatusInterpreter;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Status back to the hub: each Work's applied state and member status into the binding's
 * aggregatedStatus and FullyApplied condition, then the aggregated workload status onto the
 * template, as Karmada's binding-status controller does.
 */
final class BindingStatus {
  private BindingStatus() {}

  /** Writes the aggregated status if it changed; returns the binding as stored, or null. */
  static GenericKubernetesResource aggregate(
      KubernetesClient hub,
      BindingKey ref,
      ObjectNode binding,
      JsonNode template,
      List<WorkSummary> works,
      HubInterpreter interpreter,
      EventRecorder events) {
    ArrayNode aggregated = Trees.MAPPER.createArrayNode();
    List<JsonNode> memberStatuses = new ArrayList<>();
    int applied = 0;
    java.util.Set<String> targetNames = new java.util.HashSet<>();
    AttachedBindings.targetClusters(binding.path("spec"))
        .forEach(t -> targetNames.add(t.path("name").asText()));
    int targets = targetNames.size();
    for (WorkSummary work : works) {
      ObjectNode item = aggregated.addObject();
      item.put("clusterName", work.cluster());
      applied += work.applied() && targetNames.contains(work.cluster()) ? 1 : 0; // not evicted
      item.put("applied", work.applied());
      if (work.appliedMessage() != null) {
        item.put("appliedMessage", work.appliedMessage());
      }
      if (work.status() != null) {
        item.set("status", work.status());
        memberStatuses.add(work.status());
      }
      item.put("health", work.health());
    }
    ObjectNode status = binding.with("status").deepCopy();
    status.set("aggregatedStatus", aggregated);
    boolean fully = targets > 0 && applied == targets;
    setCondition(
        status,
        "FullyApplied",
        fully ? "True" : "False",
        fully ? "FullyAppliedSuccess" : "FullyAppliedFailed",
        fully
            ? "All works have been successfully applied"
            : applied + " of " + targets + " works have been applied");
    BindingConditions.apply(status, binding.path("spec"));
    GenericKubernetesResource stored = null;
    if (!Trees.same(status, binding.path("status"))) {
      ObjectNode next = binding.deepCopy();
      next.set("status", status);
      stored = bindingResource(hub, ref, next).updateStatus();
      events.record(
          EventRecorder.Ref.of(next),
          "Normal",
          AGGREGATE_SUCCEED,
          "Update "
              + (ref.clusterScoped() ? "ClusterResourceBinding" : "ResourceBinding")
              + "("
              + describe(next)
              + ") with AggregatedStatus"
              + " successfully.");
    }
    if (interpreter.interpreter().script(template, Operation.STATUS_AGGREGATION) != null) {
      aggregateByScript(hub, interpreter, binding, template, aggregated);
      return stored;
    }
    try {
      if (reflectOnTemplate(hub, template, memberStatuses)) {
        events.record(
            EventRecorder.Ref.of(template),
            "Normal",
            AGGREGATE_SUCCEED,
            "Update Resource with AggregatedStatus successfully.");
      }
    } catch (RuntimeException e) {
      events.record(
          EventRecorder.Ref.of(template), "Warning", "AggregateStatusFailed", e.getMessage());
      throw e;
    }
    return stored;
  }

  private static final String AGGREGATE_SUCCEED = "AggregateStatusSucceed";

  private static String describe(JsonNode obj) {
    String ns = Trees.text(obj, "metadata", "namespace");
    return (ns == null ? "" : ns + "/") + Trees.text(obj, "metadata", "name");
  }

  /**
   * A statusAggregation script's status onto the template, given the binding's aggregatedStatus
   * items; a failing script is recorded on the binding and the template's status is left alone.
   */
  private static void aggregateByScript(
      KubernetesClient hub,
      HubInterpreter interpreter,
      JsonNode binding,
      JsonNode template,
      ArrayNode items) {
    List<JsonNode> list = new ArrayList<>();
    items.forEach(list::add);
    JsonNode status;
    try {
      status =
          interpreter.interpreter().aggregateStatus(template, list).orElseThrow().path("status");
    } catch (InterpretationException e) {
      interpreter.recordFailure(binding, HubInterpreter.AGGREGATE_FAILED, e);
      return;
    }
    if (status.isObject()) {
      writeTemplateStatus(hub, template, status);
    }
  }

  /**
   * Workloads get their replica counts summed over members (Karmada's AggregateStatus); true when
   * the template's status was written.
   */
  private static boolean reflectOnTemplate(
      KubernetesClient hub, JsonNode template, List<JsonNode> statuses) {
    if (!"Deployment".equals(Trees.text(template, "kind")) || statuses.isEmpty()) {
      return false;
    }
    return writeTemplateStatus(
        hub, template, StatusInterpreter.aggregateDeploymentStatus(template, statuses));
  }

  private static boolean writeTemplateStatus(
      KubernetesClient hub, JsonNode template, JsonNode aggregated) {
    if (Trees.same(aggregated, template.path("status"))) {
      return false;
    }
    ObjectNode next = template.deepCopy();
    next.set("status", aggregated);
    var resources =
        hub.genericKubernetesResources(
            Trees.text(template, "apiVersion"), Trees.text(template, "kind"));
    String ns = Trees.text(template, "metadata", "namespace");
    try {
      (ns == null ? resources : resources.inNamespace(ns))
          .resource(Trees.generic(next))
          .updateStatus();
      return true;
    } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
      if (e.getCode() != 409 && e.getCode() != 404) {
        throw e;
      }
      return false;
    }
  }

  static void removeFinalizer(KubernetesClient hub, BindingKey ref, ObjectNode binding) {
    ArrayNode finalizers = binding.with("metadata").withArray("finalizers");
    for (int i = finalizers.size() - 1; i >= 0; i--) {
      if (DesiredBinding.FINALIZER.equals(finalizers.get(i).asText())) {
        finalizers.remove(i);
      }
    }
    bindingResource(hub, ref, binding).update();
  }

  private static io.fabric8.kubernetes.client.dsl.Resource<GenericKubernetesResource>
      bindingResource(KubernetesClient hub, BindingKey ref, JsonNode binding) {
    return ref.clusterScoped()
        ? hub.genericKubernetesResources(Kinds.CLUSTER_RESOURCE_BINDING)
            .resource(Trees.generic(binding))
        : hub.genericKubernetesResources(Kinds.RESOURCE_BINDING)
            .inNamespace(ref.namespace())
            .resource(Trees.generic(binding));
  }

  static JsonNode condition(JsonNode obj, String type) {
    for (JsonNode c : obj.path("status").path("conditions")) {
      if (type.equals(c.path("type").asText())) {
        return c;
      }
    }
    return null;
  }

  static void setCondition(
      ObjectNode status, String type, String value, String reason, String message) {
    ArrayNode conditions = status.withArray("conditions");
    for (int i = 0; i < conditions.size(); i++) {
      JsonNode c = conditions.get(i);
      if (type.equals(c.path("type").asText())) {
        if (value.equals(c.path("status").asText())
            && reason.equals(c.path("reason").asText())
            && message.equals(c.path("message").asText())) {
          return;
        }
        conditions.remove(i);
        break;
      }
    }
    ObjectNode c = conditions.addObject();
    c.put("type", type);
    c.put("status", value);
    c.put("reason", reason);
    c.put("message", message);
    c.put("lastTransitionTime", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
  }
}
