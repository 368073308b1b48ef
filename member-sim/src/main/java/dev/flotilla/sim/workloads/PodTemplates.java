package dev.flotilla.sim.workloads;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.objects.Meta;
import dev.flotilla.sim.engine.Kinds;
import dev.flotilla.sim.engine.ObjectReader;
import dev.flotilla.sim.engine.Owners;
import dev.flotilla.sim.pods.PodStatuses;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Pods from pod templates, and the template hashes that name ReplicaSets and revisions. */
public final class PodTemplates {
  /** The alphabet of Kubernetes' SafeEncodeString: no vowels, no confusable characters. */
  private static final String SAFE = "bcdfghjklmnpqrstvwxz2456789";

  private PodTemplates() {}

  /**
   * A short, stable hash of a pod template (as the pod-template-hash label): FNV-1a over the
   * template with its object keys sorted, so key order does not start a rollout.
   */
  public static String hash(JsonNode template) {
    byte[] bytes = Json.write(canonical(template));
    int h = 0x811c9dc5;
    for (byte b : bytes) {
      h ^= b & 0xff;
      h *= 0x01000193;
    }
    String decimal = Long.toString(Integer.toUnsignedLong(h));
    StringBuilder out = new StringBuilder();
    for (char c : decimal.toCharArray()) {
      out.append(SAFE.charAt(c % SAFE.length()));
    }
    return out.toString();
  }

  private static JsonNode canonical(JsonNode node) {
    if (node.isObject()) {
      ObjectNode sorted = Json.MAPPER.createObjectNode();
      TreeMap<String, JsonNode> fields = new TreeMap<>();
      node.properties().forEach(e -> fields.put(e.getKey(), e.getValue()));
      fields.forEach((k, v) -> sorted.set(k, canonical(v)));
      return sorted;
    }
    if (node.isArray()) {
      ArrayNode out = Json.MAPPER.createArrayNode();
      node.forEach(v -> out.add(canonical(v)));
      return out;
    }
    return node;
  }

  /** The template with extra labels: what a controller stamps on the pods it makes. */
  public static ObjectNode withLabels(JsonNode template, Map<String, String> extra) {
    ObjectNode t =
        template.isObject() ? (ObjectNode) template.deepCopy() : Json.MAPPER.createObjectNode();
    ObjectNode labels = t.with("metadata").with("labels");
    extra.forEach(labels::put);
    return t;
  }

  /**
   * A new pod of {@code owner} from {@code template}: named {@code name}, or generated from {@code
   * generateName} when name is null.
   */
  public static ObjectNode newPod(
      JsonNode template, ObjectNode owner, String name, String generateName) {
    ObjectNode pod = Json.MAPPER.createObjectNode();
    pod.put("apiVersion", "v1");
    pod.put("kind", "Pod");
    ObjectNode meta = pod.putObject("metadata");
    if (name != null) {
      meta.put("name", name);
    } else {
      meta.put("generateName", generateName);
    }
    meta.put("namespace", Meta.namespace(owner));
    JsonNode tmeta = template.path("metadata");
    if (tmeta.path("labels").isObject()) {
      meta.set("labels", tmeta.get("labels").deepCopy());
    }
    if (tmeta.path("annotations").isObject()) {
      meta.set("annotations", tmeta.get("annotations").deepCopy());
    }
    meta.putArray("ownerReferences").add(Owners.controllerRef(owner));
    pod.set(
        "spec",
        template.path("spec").isObject()
            ? template.get("spec").deepCopy()
            : Json.MAPPER.createObjectNode());
    return pod;
  }

  /** The pods in {@code namespace} controlled by the object with {@code ownerUid}. */
  public static List<ObjectNode> ownedPods(
      ObjectReader reader, Kinds kinds, String namespace, String ownerUid) {
    List<ObjectNode> out = new ArrayList<>();
    for (ObjectNode pod : reader.list(kinds.pods(), namespace)) {
      if (Owners.isControlledBy(pod, ownerUid)) {
        out.add(pod);
      }
    }
    return out;
  }

  /** Pods that count for a workload: not being deleted and not finished. */
  public static boolean isActive(JsonNode pod) {
    return !pod.path("metadata").has("deletionTimestamp") && !PodStatuses.isTerminal(pod);
  }

  /**
   * The order in which surplus pods go, as upstream's ActivePods: unscheduled before scheduled,
   * pending before running, not ready before ready, newer before older.
   */
  public static final Comparator<JsonNode> DELETION_ORDER =
      Comparator.<JsonNode>comparingInt(
              p -> p.path("spec").path("nodeName").asText("").isEmpty() ? 0 : 1)
          .thenComparingInt(p -> phaseRank(p.path("status").path("phase").asText()))
          .thenComparingInt(p -> PodStatuses.isReady(p) ? 1 : 0)
          .thenComparing(
              p -> p.path("metadata").path("creationTimestamp").asText(""),
              Comparator.reverseOrder())
          .thenComparing(
              p -> p.path("metadata").path("name").asText(""), Comparator.reverseOrder());

  private static int phaseRank(String phase) {
    switch (phase) {
      case "Pending":
        return 0;
      case "Running":
        return 2;
      default:
        return 1;
    }
  }

  /** The spec.replicas of a workload (default 1). */
  public static int replicas(JsonNode workload) {
    return workload.path("spec").path("replicas").asInt(1);
  }
}
