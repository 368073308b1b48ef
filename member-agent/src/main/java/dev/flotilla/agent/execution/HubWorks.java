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
  private final java.util.Map<String, Written> written =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * A write's reply: the tree, or the JSON text read into one only if a reconcile needs it. A
   * status write's reply is the whole Work, and the informer nearly always shows that version
   * before the Work's next reconcile: parsing every reply into a tree was an eighth of the agents'
   * reconcile samples in a 100-cluster burst, for a copy that was then dropped unread.
   */
  private record Written(ObjectNode tree, String json, long revision) {
    ObjectNode read() {
      if (tree != null) {
        return tree;
      }
      try {
        return (ObjectNode) Json.MAPPER.readTree(json);
      } catch (com.fasterxml.jackson.core.JsonProcessingException | ClassCastException e) {
        throw new IllegalStateException("the hub's reply to a Work write is no object", e);
      }
    }
  }

  HubWorks(KubernetesClient hub) {
    this.hub = hub;
  }

  /** The newer of the cached Work and our last write of it. */
  ObjectNode newest(String name, ObjectNode cached) {
    Written mine = written.get(name);
    if (mine == null) {
      return cached;
    }
    if (mine.revision() > revision(cached)) {
      return mine.read();
    }
    written.remove(name, mine);
    return cached;
  }

  void forget(String name) {
    written.remove(name);
  }

  private ObjectNode remember(ObjectNode stored) {
    written.put(Json.name(stored), new Written(stored, null, revision(stored)));
    return stored;
  }

  private static long revision(ObjectNode work) {
    return revision(work.path("metadata").path("resourceVersion").asText());
  }

  private static long revision(String resourceVersion) {
    try {
      return Long.parseLong(resourceVersion);
    } catch (NumberFormatException | NullPointerException e) {
      return -1;
    }
  }

  /**
   * {@code metadata.resourceVersion} of a Work's JSON, read as far as it, skipping what comes
   * before it without building it; null when absent or the text is no object.
   */
  static String resourceVersionOf(String json) {
    try (com.fasterxml.jackson.core.JsonParser p = Json.MAPPER.getFactory().createParser(json)) {
      if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
        return null;
      }
      while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
        String field = p.currentName();
        com.fasterxml.jackson.core.JsonToken value = p.nextToken();
        if (!"metadata".equals(field)
            || value != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
          p.skipChildren();
          continue;
        }
        while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
          String name = p.currentName();
          com.fasterxml.jackson.core.JsonToken v = p.nextToken();
          if ("resourceVersion".equals(name)) {
            return v == com.fasterxml.jackson.core.JsonToken.VALUE_STRING ? p.getText() : null;
          }
          p.skipChildren();
        }
        return null;
      }
      return null;
    } catch (java.io.IOException e) {
      return null;
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
    String reply = putStatusBody(statusBody(work, status));
    written.put(Json.name(work), new Written(null, reply, revision(resourceVersionOf(reply))));
  }

  /**
   * PUTs {@code body} to the Work's status subresource as JSON text and returns the reply's text:
   * fabric8's typed update would convert the agent's tree and the reply (the whole Work, manifests
   * and managedFields included) each through a fabric8 object.
   */
  private String putStatusBody(ObjectNode body) {
    String url =
        JsonRequests.collectionUrl(hub, HubResources.WORKS, Json.namespace(body))
            .append('/')
            .append(Json.name(body))
            .append("/status")
            .toString();
    return JsonRequests.put(hub, url, body.toString());
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
