package dev.flotilla.policies.dependencies;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.policies.names.Names;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Karmada's attached bindings, pure: the ResourceBinding of a dependency (named {@code
 * <name>-<kind>} as any binding) lists in {@code spec.requiredBy} a snapshot ({@code namespace,
 * name, clusters}) of every binding that needs it, and carries the label {@code
 * resourcebinding.karmada.io/depended-by-<key>} per requirer. Its Works go to the union of the
 * snapshots' clusters (and its own {@code spec.clusters} when a policy also places it).
 */
public final class AttachedBindings {
  /** On an independent binding: the JSON list of what it depends on. */
  public static final String DEPENDENCIES_ANNOTATION = "resourcebinding.karmada.io/dependencies";

  /** Prefix of the label naming a requirer on an attached binding; value: its permanent id. */
  public static final String DEPENDED_BY_PREFIX = "resourcebinding.karmada.io/depended-by-";

  public static final String FINALIZER = "karmada.io/binding-controller";

  private AttachedBindings() {}

  /** The label key that marks a binding as required by {@code namespace/name}. */
  public static String dependedByLabel(String namespace, String name) {
    return DEPENDED_BY_PREFIX + Names.bindingReferenceKey(namespace, name);
  }

  /** The dependencies annotation value for this list, as Karmada serialises it. */
  public static String annotation(List<DependentObject> deps) {
    ArrayNode list = JsonNodeFactory.instance.arrayNode();
    deps.forEach(d -> list.add(d.toJson()));
    return list.toString();
  }

  /**
   * The attached binding of {@code dependency} once {@code requirer} (an independent binding) is
   * recorded in it: created from nothing, or {@code existing} with the requirer's snapshot
   * replaced. A binding a policy also places keeps its own placement, conflict resolution and
   * retention; otherwise those follow the requirer, as in Karmada.
   */
  public static ObjectNode withRequirer(JsonNode existing, JsonNode requirer, JsonNode dependency) {
    String ns = text(requirer, "metadata", "namespace");
    String name = text(requirer, "metadata", "name");
    ObjectNode b =
        existing == null ? JsonNodeFactory.instance.objectNode() : (ObjectNode) existing.deepCopy();
    b.put("apiVersion", "work.karmada.io/v1alpha2");
    b.put("kind", "ResourceBinding");
    ObjectNode meta = b.with("metadata");
    String kind = dependency.path("kind").asText();
    String depName = text(dependency, "metadata", "name");
    meta.put("name", Names.bindingName(depName, kind));
    meta.put("namespace", ns);
    meta.with("labels").put(dependedByLabel(ns, name), permanentId(requirer));
    if (existing == null) {
      ObjectNode owner = meta.putArray("ownerReferences").addObject();
      owner.put("apiVersion", dependency.path("apiVersion").asText());
      owner.put("kind", kind);
      owner.put("name", depName);
      owner.put("uid", text(dependency, "metadata", "uid"));
      owner.put("controller", true);
      owner.put("blockOwnerDeletion", true);
      meta.putArray("finalizers").add(FINALIZER);
    }
    ObjectNode spec = b.with("spec");
    ObjectNode resource = spec.putObject("resource");
    resource.put("apiVersion", dependency.path("apiVersion").asText());
    resource.put("kind", kind);
    resource.put("namespace", ns);
    resource.put("name", depName);
    resource.put("uid", text(dependency, "metadata", "uid"));
    resource.put("resourceVersion", text(dependency, "metadata", "resourceVersion"));
    ArrayNode snapshots = spec.withArray("requiredBy");
    ObjectNode snapshot = null;
    for (JsonNode s : snapshots) {
      if (ns.equals(s.path("namespace").asText()) && name.equals(s.path("name").asText())) {
        snapshot = (ObjectNode) s;
      }
    }
    if (snapshot == null) {
      snapshot = snapshots.addObject();
      snapshot.put("namespace", ns);
      snapshot.put("name", name);
    }
    if (attachedOnly(b)) {
      // Attached only: any requirer that overwrites or preserves makes it so (Karmada's resolve).
      JsonNode rs = requirer.path("spec");
      boolean overwrite =
          "Overwrite".equals(spec.path("conflictResolution").asText())
              || "Overwrite".equals(rs.path("conflictResolution").asText());
      spec.put("conflictResolution", overwrite ? "Overwrite" : "Abort");
      if (spec.path("preserveResourcesOnDeletion").asBoolean(false)
          || rs.path("preserveResourcesOnDeletion").asBoolean(false)) {
        spec.put("preserveResourcesOnDeletion", true);
      }
    }
    JsonNode clusters = requirer.path("spec").path("clusters");
    snapshot.set("clusters", clusters.isArray() ? clusters.deepCopy() : snapshots.arrayNode());
    return b;
  }

  /**
   * {@code attached} without {@code namespace/name} among its requirers (label and snapshot), or
   * null when that requirer was not recorded.
   */
  public static ObjectNode withoutRequirer(JsonNode attached, String namespace, String name) {
    ObjectNode b = (ObjectNode) attached.deepCopy();
    boolean changed = false;
    JsonNode labels = b.path("metadata").path("labels");
    if (labels instanceof ObjectNode l && l.remove(dependedByLabel(namespace, name)) != null) {
      changed = true;
    }
    JsonNode snapshots = b.path("spec").path("requiredBy");
    for (int i = snapshots.size() - 1; i >= 0; i--) {
      JsonNode s = snapshots.get(i);
      if (namespace.equals(s.path("namespace").asText()) && name.equals(s.path("name").asText())) {
        ((ArrayNode) snapshots).remove(i);
        changed = true;
      }
    }
    if (snapshots.isArray() && snapshots.isEmpty()) {
      b.with("spec").remove("requiredBy");
    }
    return changed ? b : null;
  }

  /**
   * Where a binding's Works go: {@code spec.clusters}, then every cluster a requirer's snapshot
   * names that is not there yet (Karmada's mergeTargetClusters).
   */
  public static List<JsonNode> targetClusters(JsonNode bindingSpec) {
    Map<String, JsonNode> targets = new LinkedHashMap<>();
    for (JsonNode c : bindingSpec.path("clusters")) {
      targets.putIfAbsent(c.path("name").asText(), c);
    }
    for (JsonNode s : bindingSpec.path("requiredBy")) {
      for (JsonNode c : s.path("clusters")) {
        String cluster = c.path("name").asText();
        if (!targets.containsKey(cluster)) {
          ObjectNode only = JsonNodeFactory.instance.objectNode();
          only.put("name", cluster);
          targets.put(cluster, only);
        }
      }
    }
    return new ArrayList<>(targets.values());
  }

  /**
   * True for a binding only dependencies made: no policy claimed its resource (no policy name
   * annotation), so the scheduler leaves it alone and only its requirers place it.
   */
  public static boolean attachedOnly(JsonNode binding) {
    JsonNode annotations = binding.path("metadata").path("annotations");
    return !annotations.has(Names.PP_NAME_ANNOTATION)
        && !annotations.has(Names.CPP_NAME_ANNOTATION);
  }

  /** The binding's permanent id: Karmada's label, else (as Flotilla binds by it) its uid. */
  public static String permanentId(JsonNode binding) {
    String id = text(binding, "metadata", "labels", Names.RB_PERMANENT_ID_LABEL);
    return id != null ? id : text(binding, "metadata", "uid");
  }

  private static String text(JsonNode n, String... path) {
    for (String p : path) {
      n = n.path(p);
    }
    return n.isValueNode() ? n.asText() : null;
  }
}
