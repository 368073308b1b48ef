package dev.flotilla.agent.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.agent.kube.ApiErrors;
import dev.flotilla.agent.kube.HubResources;
import dev.flotilla.agent.kube.Json;
import dev.flotilla.agent.kube.JsonRequests;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The agent's writes to Works on the hub: its finalizer and the status subresource. Every write
 * carries the resourceVersion it was computed from, so a concurrent change fails with 409 and the
 * Work is reconciled again from the newer copy.
 */
final class HubWorks {
  private final KubernetesClient hub;

  /**
   * Works as our last write returned them, until the informer shows that version: a reconcile
   * started by a member event before the watch delivers our status works from what we wrote, not
   * from an older copy whose status write would conflict.
   */
  private final java.util.Map<String, ObjectNode> written =
      new java.util.concurrent.ConcurrentHashMap<>();

  HubWorks(KubernetesClient hub) {
    this.hub = hub;
  }

  /** The newer of the cached Work and our last write of it. */
  ObjectNode newest(String name, ObjectNode cached) {
    ObjectNode mine = written.get(name);
    if (mine == null) {
      return cached;
    }
    if (revision(mine) > revision(cached)) {
      return mine;
    }
    written.remove(name, mine);
    return cached;
  }

  void forget(String name) {
    written.remove(name);
  }

  private ObjectNode remember(ObjectNode stored) {
    written.put(Json.name(stored), stored);
    return stored;
  }

  private static long revision(ObjectNode work) {
    try {
      return Long.parseLong(work.path("metadata").path("resourceVersion").asText());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Adds the execution finalizer; returns the Work as stored. */
  ObjectNode addFinalizer(WorkView work) {
    ObjectNode copy = work.object().deepCopy();
    ArrayNode finalizers =
        Json.metadata(copy).get("finalizers") instanceof ArrayNode a
            ? a
            : Json.metadata(copy).putArray("finalizers");
    finalizers.add(KarmadaMarks.FINALIZER);
    return remember(Json.tree(resource(copy).update()));
  }

  /** Removes the execution finalizer, letting a deleted Work go. */
  void removeFinalizer(WorkView work) {
    ObjectNode copy = work.object().deepCopy();
    ArrayNode kept = Json.MAPPER.createArrayNode();
    for (var f : copy.path("metadata").path("finalizers")) {
      if (!KarmadaMarks.FINALIZER.equals(f.asText())) {
        kept.add(f);
      }
    }
    Json.metadata(copy).set("finalizers", kept);
    resource(copy).update();
  }

  /**
   * Writes the status {@code statusFor} computes from the Work's previous status, unless it is
   * unchanged. On a conflict the Work is read again: if its spec is still the one reconciled, the
   * status is written on the fresh copy; otherwise the newer spec has its own reconcile queued and
   * this status is dropped.
   */
  void writeStatus(ObjectNode work, UnaryOperator<ObjectNode> statusFor) {
    try {
      putStatus(work, statusFor);
    } catch (RuntimeException e) {
      if (!ApiErrors.isConflict(e)) {
        throw e;
      }
      GenericKubernetesResource fresh =
          hub.genericKubernetesResources(HubResources.WORKS)
              .inNamespace(Json.namespace(work))
              .withName(Json.name(work))
              .get();
      if (fresh != null
          && Objects.equals(
              fresh.getMetadata().getGeneration(),
              work.path("metadata").path("generation").asLong())) {
        putStatus(Json.tree(fresh), statusFor);
      }
    }
  }

  private void putStatus(ObjectNode work, UnaryOperator<ObjectNode> statusFor) {
    JsonNode previous = work.get("status");
    ObjectNode status = statusFor.apply(previous instanceof ObjectNode o ? o : null);
    if (Json.same(status, previous)) {
      return;
    }
    remember(putStatusBody(statusBody(work, status)));
  }

  /**
   * PUTs {@code body} to the Work's status subresource as JSON text and reads the reply as a tree:
   * the agent holds both as trees, and fabric8's typed update would convert each through a fabric8
   * object (the reply is the whole Work, manifests and managedFields included).
   */
  private ObjectNode putStatusBody(ObjectNode body) {
    String url =
        JsonRequests.collectionUrl(hub, HubResources.WORKS, Json.namespace(body))
            .append('/')
            .append(Json.name(body))
            .append("/status")
            .toString();
    String reply = JsonRequests.put(hub, url, body.toString());
    try {
      return (ObjectNode) Json.MAPPER.readTree(reply);
    } catch (com.fasterxml.jackson.core.JsonProcessingException | ClassCastException e) {
      throw new IllegalStateException("the hub's reply to a Work status write is no object", e);
    }
  }

  /**
   * The body of a status write: the Work's identity, the resourceVersion the status was computed
   * from, and the status. A PUT to the status subresource takes nothing else from its body (the
   * hub, as kube-apiserver, keeps the stored spec and metadata), so the rest of the Work (its
   * manifests, managedFields, labels) is neither encoded here nor parsed on the hub, 100 times per
   * template at 100 clusters.
   */
  static ObjectNode statusBody(ObjectNode work, ObjectNode status) {
    ObjectNode body = Json.object();
    body.set("apiVersion", work.get("apiVersion"));
    body.set("kind", work.get("kind"));
    ObjectNode meta = body.putObject("metadata");
    JsonNode from = work.path("metadata");
    for (String f : new String[] {"name", "namespace", "uid", "resourceVersion"}) {
      if (from.hasNonNull(f)) {
        meta.set(f, from.get(f));
      }
    }
    body.set("status", status);
    return body;
  }

  private io.fabric8.kubernetes.client.dsl.Resource<GenericKubernetesResource> resource(
      ObjectNode work) {
    return hub.genericKubernetesResources(HubResources.WORKS)
        .inNamespace(Json.namespace(work))
        .resource(Json.generic(work));
  }
}
