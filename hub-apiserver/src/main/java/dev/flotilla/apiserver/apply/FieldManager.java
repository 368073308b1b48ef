package dev.flotilla.apiserver.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.objects.Meta;
import dev.flotilla.apiserver.patch.JsonValues;
import dev.flotilla.apiserver.patch.SchemaNode;
import dev.flotilla.apiserver.registry.ResourceType;
import dev.flotilla.apiserver.validation.ObjectMetaValidation;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Field ownership for one resource and endpoint (the object or its status), as kube-apiserver's
 * field manager keeps it in {@code metadata.managedFields}: updates give their manager the fields
 * they changed, server-side apply merges the configuration, drops fields its manager no longer
 * applies and reports conflicts with other managers unless forced.
 */
public final class FieldManager {
  static final String BEFORE_FIRST_APPLY = "before-first-apply";

  /** Paths nobody owns (apimachinery's strip set). */
  private static final FieldSet STRIPPED = stripped();

  private final ResourceType type;
  private final SchemaNode schema;
  private final String subresource;
  private final FieldSet ignored = new FieldSet();

  /** {@code subresource} is null for the object itself, "status" for its status. */
  public FieldManager(ResourceType type, SchemaNode schema, String subresource) {
    this.type = type;
    this.schema = schema;
    this.subresource = subresource;
    if (subresource == null && type.hasSubresource("status")) {
      ignored.insert(List.of(FieldSet.field("status")));
    }
  }

  private static FieldSet stripped() {
    FieldSet s = new FieldSet();
    s.insert(List.of("f:apiVersion")).insert(List.of("f:kind")).insert(List.of("f:metadata"));
    for (String f :
        new String[] {
          "name",
          "namespace",
          "creationTimestamp",
          "selfLink",
          "uid",
          "clusterName",
          "generation",
          "managedFields",
          "resourceVersion"
        }) {
      s.insert(List.of("f:metadata", "f:" + f));
    }
    return s;
  }

  /**
   * Records a create ({@code live} null) or an update by {@code manager} into {@code desired}'s
   * managedFields. Refuses metadata that is not an ObjectMeta (422); otherwise never fails the
   * write: on trouble the live managedFields are kept.
   */
  public ObjectNode update(ObjectNode live, ObjectNode desired, String manager) {
    ObjectMetaValidation.require(type, desired); // before metadata is read: 422, never a guess
    JsonNode requested = Meta.metadata(desired).get("managedFields");
    try {
      ManagedFields managed;
      if (subresource != null) {
        managed = decode(live);
      } else if (ManagedFields.isReset(requested)) {
        managed = ManagedFields.empty();
      } else {
        managed = requested == null ? ManagedFields.empty() : ManagedFields.decode(requested);
        if (managed.isEmpty()) {
          managed = decode(live);
        }
      }
      Meta.metadata(desired).remove("managedFields");
      if (live != null && managed.isEmpty()) {
        return desired; // as upstream: objects nobody tracks stay untracked until an apply
      }
      if ("status".equals(subresource) && live != null) {
        // The status split kept the stored metadata and spec: only the status can differ.
        record(managed, statusPart(live), statusPart(desired), manager);
      } else {
        record(managed, clean(live), desired, manager);
      }
      return encode(desired, managed);
    } catch (RuntimeException e) {
      JsonNode kept = live == null ? null : live.path("metadata").get("managedFields");
      if (kept == null) {
        Meta.metadata(desired).remove("managedFields");
      } else {
        Meta.metadata(desired).set("managedFields", kept.deepCopy());
      }
      return desired;
    }
  }

  private void record(ManagedFields managed, ObjectNode before, ObjectNode after, String manager) {
    Typed.Comparison c = Typed.compare(before, after, schema).without(ignored);
    FieldSet changed = c.changed();
    for (ManagedFields.Entry e : managed.entries()) {
      if (e.fields().disjointAtTop(changed) && e.fields().disjointAtTop(c.removed())) {
        continue; // untouched (this request decoded it: nobody else holds it)
      }
      managed.put(e.with(e.fields().difference(changed).difference(c.removed()), e.time()));
    }
    FieldSet mine = changed.difference(STRIPPED);
    if (!mine.isEmpty()) {
      String id = ManagedFields.id(manager, ManagedFields.UPDATE, type.apiVersion(), subresource);
      ManagedFields.Entry previous = managed.get(id);
      FieldSet fields = previous == null ? mine : previous.fields().union(mine);
      managed.put(
          new ManagedFields.Entry(
              manager, ManagedFields.UPDATE, type.apiVersion(), Meta.now(), subresource, fields));
    }
    managed.dropEmpty();
    UpdateManagerCap.apply(managed);
  }

  /**
   * Server-side apply of {@code config} by {@code manager} to {@code live} (null: the object is
   * created). 409 with every conflict unless {@code force}; the merged object otherwise.
   */
  public ObjectNode apply(ObjectNode live, ObjectNode config, String manager, boolean force) {
    ObjectMetaValidation.require(type, config);
    JsonNode sent = config.path("metadata").get("managedFields");
    if (sent != null && !sent.isNull()) {
      throw ApiException.badRequest("metadata.managedFields must be nil in an apply request");
    }
    ObjectNode applied = appliedPart(config);
    ObjectNode before = clean(live);
    ManagedFields managed = decode(live);
    if (live != null && managed.isEmpty()) {
      // Upstream attributes what an untracked object already holds to "before-first-apply".
      record(managed, emptyObject(), before, BEFORE_FIRST_APPLY);
    }
    String id = ManagedFields.id(manager, ManagedFields.APPLY, null, subresource);
    Attempt attempt = attempt(before, applied, managed, id, manager, force);
    if (!attempt.conflicts.isEmpty() && "kubectl".equals(manager)) {
      FieldSet allowed = Conflicts.allowedByLastApplied(before, type.apiVersion(), schema);
      Map<ManagedFields.Entry, FieldSet> left = new LinkedHashMap<>();
      attempt.conflicts.forEach(
          (e, set) -> {
            FieldSet rest = set.difference(allowed);
            if (!rest.isEmpty()) {
              left.put(e, rest);
            }
          });
      attempt =
          left.isEmpty()
              ? attempt(before, applied, managed, id, manager, true)
              : new Attempt(null, null, left);
    }
    if (!attempt.conflicts.isEmpty()) {
      throw Conflicts.error(attempt.conflicts);
    }
    ObjectNode result = (ObjectNode) attempt.object;
    if ("kubectl".equals(manager) && hasLastApplied(before)) {
      // As upstream, kubectl's server-side apply keeps its client-side annotation current.
      ObjectNode lastApplied = config.deepCopy();
      JsonNode annotations = lastApplied.path("metadata").path("annotations");
      if (annotations instanceof ObjectNode) {
        ((ObjectNode) annotations).remove(Conflicts.LAST_APPLIED);
      }
      Meta.metadata(result)
          .with("annotations")
          .put(
              Conflicts.LAST_APPLIED,
              new String(Json.write(sortedKeys(lastApplied)), StandardCharsets.UTF_8) + "\n");
    }
    return encode(result, attempt.managed);
  }

  private record Attempt(
      JsonNode object, ManagedFields managed, Map<ManagedFields.Entry, FieldSet> conflicts) {}

  private Attempt attempt(
      ObjectNode before,
      ObjectNode applied,
      ManagedFields original,
      String id,
      String manager,
      boolean force) {
    ManagedFields managed = original.copy();
    JsonNode merged = StructuredMerge.mergeInto(before.deepCopy(), applied, schema);
    FieldSet appliedSet = Typed.toFieldSet(applied, schema);
    ManagedFields.Entry last = managed.get(id);
    if (last != null && !last.fields().isEmpty()) {
      FieldSet owned = appliedSet;
      for (ManagedFields.Entry e : managed.entries()) {
        if (!e.id().equals(id)) {
          owned = owned.union(e.fields());
        }
      }
      StructuredMerge.removeItems(
          merged, StructuredMerge.stalePaths(last.fields(), owned, schema), schema);
    }
    Typed.Comparison c = Typed.compare(before, merged, schema).without(ignored);
    FieldSet changed = c.changed();
    Map<ManagedFields.Entry, FieldSet> conflicts = new LinkedHashMap<>();
    for (ManagedFields.Entry e : managed.entries()) {
      if (!e.id().equals(id)) {
        FieldSet clash = e.fields().intersection(changed);
        if (!clash.isEmpty()) {
          conflicts.put(e, clash);
        }
      }
    }
    if (!force && !conflicts.isEmpty()) {
      return new Attempt(null, null, conflicts);
    }
    for (ManagedFields.Entry e : managed.entries()) {
      if (!e.id().equals(id)) {
        managed.put(e.with(e.fields().difference(changed).difference(c.removed()), e.time()));
      }
    }
    boolean noop = JsonValues.same(before, merged);
    String time = noop && last != null && last.time() != null ? last.time() : Meta.now();
    managed.put(
        new ManagedFields.Entry(
            manager,
            ManagedFields.APPLY,
            type.apiVersion(),
            time,
            subresource,
            appliedSet.difference(STRIPPED)));
    managed.dropEmpty();
    return new Attempt(merged, managed, Map.of());
  }

  /**
   * What an apply may set here: no status through the object, only status through /status. A
   * subresource write keeps the stored metadata and spec (the status split, as kube-apiserver's
   * status strategies reset them), so an apply through it leaves them out of the merge: it neither
   * owns them nor conflicts with their owners, and its managedFields entry holds only what is
   * written.
   */
  private ObjectNode appliedPart(ObjectNode config) {
    ObjectNode applied = config.deepCopy();
    if (subresource == null) {
      if (type.hasSubresource("status")) {
        applied.remove("status");
      }
      return applied;
    }
    ObjectNode part = JsonNodeFactory.instance.objectNode();
    // pods/ephemeralcontainers writes within the spec (its handler keeps the rest unchanged).
    String root = subresource.equals("ephemeralcontainers") ? "spec" : subresource;
    for (String f : new String[] {"apiVersion", "kind", root}) {
      if (applied.has(f)) {
        part.set(f, applied.get(f));
      }
    }
    return part;
  }

  private static boolean hasLastApplied(ObjectNode obj) {
    return !obj.path("metadata")
        .path("annotations")
        .path(Conflicts.LAST_APPLIED)
        .asText("")
        .isEmpty();
  }

  private ObjectNode emptyObject() {
    ObjectNode empty = JsonNodeFactory.instance.objectNode();
    empty.put("apiVersion", type.apiVersion());
    empty.put("kind", type.kind());
    return empty;
  }

  /**
   * apiVersion, kind and status of {@code obj}, the same nodes (not copies): compared, not changed.
   */
  private static ObjectNode statusPart(ObjectNode obj) {
    ObjectNode part = obj.objectNode();
    for (String f : new String[] {"apiVersion", "kind", "status"}) {
      JsonNode v = obj.get(f);
      if (v != null) {
        part.set(f, v);
      }
    }
    return part;
  }

  private ObjectNode clean(ObjectNode live) {
    if (live == null) {
      return emptyObject();
    }
    ObjectNode copy = live.deepCopy();
    Meta.metadata(copy).remove("managedFields");
    return copy;
  }

  private static ManagedFields decode(ObjectNode live) {
    if (live == null) {
      return ManagedFields.empty();
    }
    try {
      return ManagedFields.decode(live.path("metadata").get("managedFields"));
    } catch (IllegalArgumentException e) {
      return ManagedFields.empty();
    }
  }

  private static ObjectNode encode(ObjectNode obj, ManagedFields managed) {
    if (managed.isEmpty()) {
      Meta.metadata(obj).remove("managedFields");
    } else {
      Meta.metadata(obj).set("managedFields", managed.encode());
    }
    return obj;
  }

  /** The annotation is written as Go's JSON encoder writes a map: keys sorted, then a newline. */
  private static JsonNode sortedKeys(JsonNode n) {
    if (n.isObject()) {
      TreeMap<String, JsonNode> sorted = new TreeMap<>();
      n.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue()));
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      sorted.forEach((k, v) -> out.set(k, sortedKeys(v)));
      return out;
    }
    if (n.isArray()) {
      ArrayNode out = JsonNodeFactory.instance.arrayNode();
      n.forEach(v -> out.add(sortedKeys(v)));
      return out;
    }
    return n;
  }
}
