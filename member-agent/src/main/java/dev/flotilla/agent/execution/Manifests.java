package dev.flotilla.agent.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.agent.kube.Json;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Pure manifest handling: apply order and the object the agent applies for a manifest. */
final class Manifests {
  /** Server-owned or hub-specific metadata that must not be applied to a member. */
  private static final String[] DROPPED_METADATA = {
    "resourceVersion",
    "uid",
    "creationTimestamp",
    "managedFields",
    "generation",
    "selfLink",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "ownerReferences",
    "finalizers"
  };

  private Manifests() {}

  /** A manifest with its position in {@code spec.workload.manifests}. */
  record Indexed(int ordinal, ObjectNode manifest) {
    String apiVersion() {
      return Json.text(manifest, "apiVersion");
    }

    String kind() {
      return Json.text(manifest, "kind");
    }

    String name() {
      return Json.name(manifest);
    }
  }

  /**
   * The manifests in apply order: CRDs first (later manifests may be their custom resources), then
   * Namespaces, then everything else in Work order.
   */
  static List<Indexed> inApplyOrder(List<ObjectNode> manifests) {
    List<Indexed> out = new ArrayList<>();
    for (int i = 0; i < manifests.size(); i++) {
      out.add(new Indexed(i, manifests.get(i)));
    }
    out.sort(
        Comparator.comparingInt((Indexed m) -> rank(m.apiVersion(), m.kind()))
            .thenComparingInt(Indexed::ordinal));
    return out;
  }

  /** 0 for CRDs, 1 for Namespaces, 2 for the rest; prune goes in the opposite order. */
  static int rank(String apiVersion, String kind) {
    if ("CustomResourceDefinition".equals(kind)
        && "apiextensions.k8s.io".equals(ObjectKey.groupOf(apiVersion))) {
      return 0;
    }
    if ("Namespace".equals(kind) && ObjectKey.groupOf(apiVersion).isEmpty()) {
      return 1;
    }
    return 2;
  }

  /** The namespace a namespaced manifest lands in ("default" when it names none). */
  static String namespaceOf(JsonNode manifest) {
    String ns = Json.namespace(manifest);
    return ns == null || ns.isEmpty() ? "default" : ns;
  }

  /**
   * The object to server-side apply: the manifest without server-owned fields and status, in its
   * namespace, marked with Karmada's managed label and Work annotations.
   */
  static ObjectNode desired(ObjectNode manifest, WorkView work, boolean namespaced) {
    ObjectNode obj = manifest.deepCopy();
    obj.remove("status");
    ObjectNode meta = Json.metadata(obj);
    for (String field : DROPPED_METADATA) {
      meta.remove(field);
    }
    if (namespaced) {
      meta.put("namespace", namespaceOf(manifest));
    } else {
      meta.remove("namespace");
    }
    Json.child(meta, "labels").put(KarmadaMarks.MANAGED_LABEL, KarmadaMarks.MANAGED_VALUE);
    ObjectNode annotations = Json.child(meta, "annotations");
    annotations.remove(KarmadaMarks.CONFLICT_RESOLUTION);
    annotations.put(KarmadaMarks.WORK_NAME, work.name());
    annotations.put(KarmadaMarks.WORK_NAMESPACE, work.namespace());
    if (work.templateUid() != null) {
      annotations.put(KarmadaMarks.TEMPLATE_UID, work.templateUid());
    }
    dropHubAllocatedFields(obj);
    return obj;
  }

  /** Fields the hub's copy got from hub-side allocation, meaningless in a member (as Karmada). */
  private static void dropHubAllocatedFields(ObjectNode obj) {
    String kind = Json.text(obj, "kind");
    String group = ObjectKey.groupOf(Json.text(obj, "apiVersion"));
    if ("Service".equals(kind) && group.isEmpty() && obj.get("spec") instanceof ObjectNode spec) {
      if (!"None".equals(Json.text(spec, "clusterIP"))) {
        spec.remove("clusterIP");
        spec.remove("clusterIPs");
      }
    }
    if ("Job".equals(kind)
        && group.equals("batch")
        && obj.get("spec") instanceof ObjectNode spec
        && !spec.path("manualSelector").asBoolean(false)) {
      spec.remove("selector");
      if (spec.path("template").path("metadata").get("labels") instanceof ObjectNode labels) {
        labels.remove("controller-uid");
        labels.remove("batch.kubernetes.io/controller-uid");
      }
    }
  }

  /** A short description of a manifest for messages. */
  static String describe(Indexed m) {
    String ns = Json.namespace(m.manifest());
    return m.kind() + " " + (ns == null || ns.isEmpty() ? "" : ns + "/") + m.name();
  }
}
