package dev.flotilla.apiserver.pods;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.objects.ListOptions;
import dev.flotilla.apiserver.objects.ListQuery;
import dev.flotilla.apiserver.objects.ResourceStorage;
import dev.flotilla.apiserver.registry.ResourceType;
import dev.flotilla.apiserver.selection.LabelSelector;
import dev.flotilla.apiserver.storage.KeyValue;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the pod subresources need from storage: pods and budgets of a namespace, and the replicas
 * the pods' controllers ask for (what the disruption controller reads through scale).
 */
final class PodObjects {
  final ResourceStorage storage;
  final ResourceType pods;
  final ResourceType budgets;

  PodObjects(ResourceStorage storage) {
    this.storage = storage;
    this.pods = type("", "v1", "pods");
    this.budgets = type("policy", "v1", "poddisruptionbudgets");
  }

  private ResourceType type(String group, String version, String plural) {
    return storage.registry().find(group, version, plural).orElseThrow();
  }

  List<ObjectNode> list(ResourceType type, String namespace) {
    List<ObjectNode> out = new ArrayList<>();
    ListOptions all = new ListOptions(LabelSelector.parse(""), null, 0, null, "", false);
    for (KeyValue kv : ListQuery.list(storage, type, namespace, all).items()) {
      out.add(Json.read(kv.value()));
    }
    return out;
  }

  /** The budgets in the pod's namespace whose selector matches it. */
  List<ObjectNode> budgetsFor(ObjectNode pod, String namespace) {
    List<ObjectNode> out = new ArrayList<>();
    for (ObjectNode pdb : list(budgets, namespace)) {
      Optional<LabelSelector> s = DisruptionBudget.selector(pdb);
      if (s.isPresent() && s.get().matches(dev.flotilla.apiserver.objects.Meta.labels(pod))) {
        out.add(pdb);
      }
    }
    return out;
  }

  /** The pods of {@code namespace} the budget selects. */
  List<ObjectNode> selected(ObjectNode pdb, String namespace) {
    Optional<LabelSelector> s = DisruptionBudget.selector(pdb);
    List<ObjectNode> out = new ArrayList<>();
    if (s.isEmpty()) {
      return out;
    }
    for (ObjectNode pod : list(pods, namespace)) {
      if (s.get().matches(dev.flotilla.apiserver.objects.Meta.labels(pod))) {
        out.add(pod);
      }
    }
    return out;
  }

  /**
   * The replicas the pods' top controllers ask for, each counted once: a ReplicaSet's Deployment,
   * else the ReplicaSet, StatefulSet or ReplicationController. Pods without one add nothing, as
   * upstream counts unmanaged pods out.
   */
  int scale(List<ObjectNode> selected, String namespace) {
    Set<String> seen = new HashSet<>();
    int total = 0;
    for (ObjectNode pod : selected) {
      Optional<ObjectNode> top = controller(pod, namespace);
      if (top.isPresent() && seen.add(top.get().path("metadata").path("uid").asText())) {
        total += top.get().path("spec").path("replicas").asInt(1);
      }
    }
    return total;
  }

  private Optional<ObjectNode> controller(ObjectNode obj, String namespace) {
    JsonNode ref = controllerRef(obj);
    if (ref == null) {
      return Optional.empty();
    }
    String kind = ref.path("kind").asText();
    String apiVersion = ref.path("apiVersion").asText();
    Optional<ObjectNode> owner =
        switch (kind) {
          case "ReplicaSet", "Deployment", "StatefulSet" ->
              apiVersion.equals("apps/v1")
                  ? storage.find(type("apps", "v1", plural(kind)), namespace, name(ref))
                  : Optional.empty();
          case "ReplicationController" ->
              apiVersion.equals("v1")
                  ? storage.find(type("", "v1", "replicationcontrollers"), namespace, name(ref))
                  : Optional.empty();
          default -> Optional.empty();
        };
    owner =
        owner.filter(o -> o.path("metadata").path("uid").asText().equals(ref.path("uid").asText()));
    if (owner.isPresent() && kind.equals("ReplicaSet")) {
      JsonNode up = controllerRef(owner.get());
      if (up != null && up.path("kind").asText().equals("Deployment")) {
        Optional<ObjectNode> deployment = controller(owner.get(), namespace);
        if (deployment.isPresent()) {
          return deployment;
        }
      }
    }
    return owner;
  }

  private static String plural(String kind) {
    return kind.toLowerCase() + "s";
  }

  private static String name(JsonNode ref) {
    return ref.path("name").asText();
  }

  private static JsonNode controllerRef(JsonNode obj) {
    for (JsonNode ref : obj.path("metadata").path("ownerReferences")) {
      if (ref.path("controller").asBoolean(false)) {
        return ref;
      }
    }
    return null;
  }
}
