package dev.flotilla.agent.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.agent.kube.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * A read-only view of a Work from the hub cache: the fields execution acts on, parsed once. The
 * cached object itself is never mutated.
 */
record WorkView(
    ObjectNode object,
    String namespace,
    String name,
    String uid,
    long generation,
    boolean deleting,
    boolean hasFinalizer,
    boolean suspended,
    boolean preserveOnDeletion,
    boolean overwrite,
    String templateUid,
    List<ObjectNode> manifests,
    List<Identifier> previousIdentifiers) {

  /** {@code status.manifestStatuses[].identifier}: what an earlier reconcile reported. */
  record Identifier(
      int ordinal,
      String group,
      String version,
      String kind,
      String resource,
      String namespace,
      String name) {

    String apiVersion() {
      return group.isEmpty() ? version : group + "/" + version;
    }

    ObjectKey key() {
      return new ObjectKey(group, kind, namespace, name);
    }
  }

  static WorkView of(ObjectNode work) {
    JsonNode meta = work.path("metadata");
    JsonNode spec = work.path("spec");
    boolean hasFinalizer = false;
    for (JsonNode f : meta.path("finalizers")) {
      hasFinalizer |= KarmadaMarks.FINALIZER.equals(f.asText());
    }
    List<ObjectNode> manifests = new ArrayList<>();
    for (JsonNode m : spec.path("workload").path("manifests")) {
      if (m instanceof ObjectNode o) {
        manifests.add(o);
      }
    }
    List<Identifier> previous = new ArrayList<>();
    for (JsonNode s : work.path("status").path("manifestStatuses")) {
      JsonNode id = s.path("identifier");
      if (id.hasNonNull("kind") && id.hasNonNull("name")) {
        previous.add(
            new Identifier(
                id.path("ordinal").asInt(),
                id.path("group").asText(""),
                id.path("version").asText(""),
                id.path("kind").asText(),
                id.path("resource").asText(""),
                id.path("namespace").asText(""),
                id.path("name").asText()));
      }
    }
    return new WorkView(
        work,
        Json.namespace(work),
        Json.name(work),
        Json.text(meta, "uid"),
        meta.path("generation").asLong(0),
        meta.hasNonNull("deletionTimestamp"),
        hasFinalizer,
        spec.path("suspendDispatching").asBoolean(false),
        spec.path("preserveResourcesOnDeletion").asBoolean(false),
        overwrites(work),
        Json.annotation(work, KarmadaMarks.TEMPLATE_UID),
        List.copyOf(manifests),
        List.copyOf(previous));
  }

  /** Karmada reads the conflict resolution from the Work, or else from each manifest. */
  private static boolean overwrites(ObjectNode work) {
    String value = Json.annotation(work, KarmadaMarks.CONFLICT_RESOLUTION);
    return value != null && value.equalsIgnoreCase(KarmadaMarks.CONFLICT_OVERWRITE);
  }

  /** Whether applying {@code manifest} may take over an existing unmanaged object. */
  boolean overwrites(JsonNode manifest) {
    if (overwrite) {
      return true;
    }
    String value = Json.annotation(manifest, KarmadaMarks.CONFLICT_RESOLUTION);
    return value != null && value.equalsIgnoreCase(KarmadaMarks.CONFLICT_OVERWRITE);
  }

  /**
   * What the agent's memory of earlier applies is valid for: a different Work (same name, new uid),
   * a new spec, or new annotations all mean "apply everything again".
   */
  String applyStamp() {
    return uid + "/" + generation + "/" + object.path("metadata").path("annotations");
  }

  /** True when a member object's annotations say this Work applied it. */
  boolean owns(JsonNode memberObject) {
    return name.equals(Json.annotation(memberObject, KarmadaMarks.WORK_NAME))
        && namespace.equals(Json.annotation(memberObject, KarmadaMarks.WORK_NAMESPACE));
  }
}
