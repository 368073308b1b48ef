package dev.flotilla.apiserver.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code metadata.managedFields} of an object, decoded: one field set per manager identity
 * (manager, operation, subresource, and apiVersion for Update entries, as upstream keys them).
 */
public final class ManagedFields {
  public static final String APPLY = "Apply";
  public static final String UPDATE = "Update";

  /** One managedFields entry; {@code time} may be null. */
  public record Entry(
      String manager,
      String operation,
      String apiVersion,
      String time,
      String subresource,
      FieldSet fields) {
    /** The identity two entries share when they are the same manager. */
    public String id() {
      return ManagedFields.id(manager, operation, apiVersion, subresource);
    }

    Entry with(FieldSet newFields, String newTime) {
      return new Entry(manager, operation, apiVersion, newTime, subresource, newFields);
    }
  }

  private final Map<String, Entry> entries = new LinkedHashMap<>();

  static String id(String manager, String operation, String apiVersion, String subresource) {
    return manager
        + "\u0000"
        + operation
        + "\u0000"
        + (APPLY.equals(operation) ? "" : apiVersion)
        + "\u0000"
        + Objects.requireNonNullElse(subresource, "");
  }

  public static ManagedFields empty() {
    return new ManagedFields();
  }

  /** True when the client asks to clear managedFields: {@code []} or {@code [{}]}. */
  public static boolean isReset(JsonNode managedFields) {
    if (managedFields == null || !managedFields.isArray()) {
      return false;
    }
    return managedFields.isEmpty()
        || (managedFields.size() == 1
            && managedFields.get(0).isObject()
            && managedFields.get(0).isEmpty());
  }

  /** Decodes entries; IllegalArgumentException when they are malformed. */
  public static ManagedFields decode(JsonNode managedFields) {
    ManagedFields out = new ManagedFields();
    if (managedFields == null || managedFields.isNull()) {
      return out;
    }
    if (!managedFields.isArray()) {
      throw new IllegalArgumentException("metadata.managedFields must be a list");
    }
    for (JsonNode e : managedFields) {
      String manager = e.path("manager").asText("");
      String operation = e.path("operation").asText("");
      if (!operation.equals(APPLY) && !operation.equals(UPDATE)) {
        throw new IllegalArgumentException(
            "managedFields operation must be Apply or Update, got \"" + operation + "\"");
      }
      String fieldsType = e.path("fieldsType").asText("FieldsV1");
      if (!fieldsType.equals("FieldsV1")) {
        throw new IllegalArgumentException("managedFields fieldsType must be FieldsV1");
      }
      JsonNode v1 = e.get("fieldsV1");
      FieldSet fields = v1 == null || v1.isNull() ? new FieldSet() : FieldSet.fromJson(v1);
      Entry entry =
          new Entry(
              manager,
              operation,
              e.path("apiVersion").asText(""),
              e.hasNonNull("time") ? e.get("time").asText() : null,
              e.hasNonNull("subresource") ? e.get("subresource").asText() : null,
              fields);
      Entry previous = out.entries.get(entry.id());
      out.put(
          previous == null ? entry : previous.with(previous.fields().union(fields), entry.time()));
    }
    return out;
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  public List<Entry> entries() {
    return new ArrayList<>(entries.values());
  }

  public Entry get(String id) {
    return entries.get(id);
  }

  public void put(Entry entry) {
    entries.put(entry.id(), entry);
  }

  public void remove(String id) {
    entries.remove(id);
  }

  public ManagedFields copy() {
    ManagedFields out = new ManagedFields();
    out.entries.putAll(entries);
    return out;
  }

  /** Drops entries left without fields. */
  public void dropEmpty() {
    entries.values().removeIf(e -> e.fields().isEmpty());
  }

  /** Upstream order: Apply before Update, then by time, manager, apiVersion, subresource. */
  public ArrayNode encode() {
    List<Entry> sorted = entries();
    sorted.sort(
        Comparator.comparing(Entry::operation)
            .thenComparing(e -> e.time() == null ? "" : e.time())
            .thenComparing(Entry::manager)
            .thenComparing(Entry::apiVersion)
            .thenComparing(e -> Objects.requireNonNullElse(e.subresource(), "")));
    ArrayNode out = JsonNodeFactory.instance.arrayNode();
    for (Entry e : sorted) {
      ObjectNode n = out.addObject();
      n.put("manager", e.manager());
      n.put("operation", e.operation());
      n.put("apiVersion", e.apiVersion());
      if (e.time() != null) {
        n.put("time", e.time());
      }
      n.put("fieldsType", "FieldsV1");
      n.set("fieldsV1", e.fields().toJson());
      if (e.subresource() != null && !e.subresource().isEmpty()) {
        n.put("subresource", e.subresource());
      }
    }
    return out;
  }
}
