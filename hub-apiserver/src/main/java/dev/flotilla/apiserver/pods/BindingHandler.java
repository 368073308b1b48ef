package dev.flotilla.apiserver.pods;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.http.ApiRequest;
import dev.flotilla.apiserver.http.OperationHandler;
import dev.flotilla.apiserver.http.Reply;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.objects.Meta;
import dev.flotilla.apiserver.registry.ResourceType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * POST {@code pods/<name>/binding}: a v1 Binding assigns the pod to a node once, as a scheduler
 * does: spec.nodeName is set, the Binding's annotations are added and the PodScheduled condition
 * turns True; a pod already bound or being deleted gets 409 Conflict.
 */
final class BindingHandler implements OperationHandler {
  private final PodObjects objects;
  private final ResourceType bindings;

  BindingHandler(PodObjects objects) {
    this.objects = objects;
    this.bindings = objects.storage.registry().find("", "v1", "bindings").orElse(objects.pods);
  }

  @Override
  public CompletableFuture<Reply> handle(ApiRequest r) {
    if (!r.method().equals("POST")) {
      throw ApiException.methodNotAllowed("the binding subresource of pods serves create only");
    }
    return bind(r, r.info().namespace(), r.info().name(), r.bodyObject());
  }

  /** Binds pod {@code name} as {@code binding} says; the legacy bindings collection comes here. */
  CompletableFuture<Reply> bind(ApiRequest r, String ns, String name, ObjectNode binding) {
    String kind = binding.path("kind").asText("Binding");
    if (!kind.equals("Binding")) {
      throw ApiException.badRequest("the binding subresource takes a v1 Binding, got kind " + kind);
    }
    if (!name.equals(Meta.name(binding))) {
      throw ApiException.badRequest("name in URL does not match name in Binding object");
    }
    String node = validate(binding, name);
    String uid = Meta.uid(binding);
    return objects
        .storage
        .guaranteedUpdate(
            objects.pods, ns, name, 0, r.dryRun(), pod -> assign(pod, name, uid, node, binding))
        .thenApply(
            bound -> {
              ObjectNode status = Json.MAPPER.createObjectNode();
              status.put("kind", "Status").put("apiVersion", "v1").putObject("metadata");
              status.put("status", "Success").put("code", 201);
              return Reply.json(201, status);
            });
  }

  /** The target node; 422 as upstream's ValidatePodBinding. */
  private String validate(ObjectNode binding, String name) {
    JsonNode target = binding.path("target");
    List<ApiException.Cause> causes = new ArrayList<>();
    String kind = target.path("kind").asText("");
    if (!kind.isEmpty() && !kind.equals("Node")) {
      causes.add(
          new ApiException.Cause(
              "FieldValueNotSupported",
              "target.kind",
              "Unsupported value: \"" + kind + "\": supported values: \"Node\", \"<empty>\""));
    }
    String node = target.path("name").asText("");
    if (node.isEmpty()) {
      causes.add(new ApiException.Cause("FieldValueRequired", "target.name", "Required value"));
    }
    if (!causes.isEmpty()) {
      throw ApiException.invalid(bindings, name, causes);
    }
    return node;
  }

  private ObjectNode assign(
      ObjectNode pod, String name, String uid, String node, ObjectNode binding) {
    if (uid != null && !uid.isEmpty() && !uid.equals(Meta.uid(pod))) {
      throw ApiException.conflict(
          objects.pods,
          name,
          "Precondition failed: UID in precondition: "
              + uid
              + ", UID in object meta: "
              + Meta.uid(pod));
    }
    if (Meta.isDeleting(pod)) {
      throw ApiException.conflict(
          objects.pods, name, "pod " + name + " is being deleted, cannot be assigned to a host");
    }
    String bound = pod.path("spec").path("nodeName").asText("");
    if (!bound.isEmpty()) {
      throw ApiException.conflict(
          objects.pods, name, "pod " + name + " is already assigned to node \"" + bound + "\"");
    }
    ((ObjectNode) pod.path("spec")).put("nodeName", node);
    Map<String, String> annotations = Meta.stringMap(binding.path("metadata").path("annotations"));
    if (!annotations.isEmpty()) {
      ObjectNode meta = Meta.metadata(pod);
      ObjectNode into =
          meta.path("annotations").isObject()
              ? (ObjectNode) meta.get("annotations")
              : meta.putObject("annotations");
      annotations.forEach(into::put);
    }
    ObjectNode status =
        pod.path("status").isObject() ? (ObjectNode) pod.get("status") : pod.putObject("status");
    ArrayNode conditions =
        status.path("conditions").isArray()
            ? (ArrayNode) status.get("conditions")
            : status.putArray("conditions");
    ObjectNode scheduled = null;
    for (JsonNode c : conditions) {
      if (c.path("type").asText().equals("PodScheduled")) {
        scheduled = (ObjectNode) c;
      }
    }
    if (scheduled == null) {
      scheduled = conditions.addObject().put("type", "PodScheduled");
    }
    if (!scheduled.path("status").asText().equals("True")) {
      scheduled.put("lastTransitionTime", Meta.now());
    }
    scheduled.put("status", "True");
    scheduled.remove("reason");
    scheduled.remove("message");
    return pod;
  }
}
