package dev.flotilla.apiserver.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.objects.ResourceStorage;
import dev.flotilla.apiserver.registry.ResourceType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * A negotiated {@code meta.k8s.io} Table response: which Table version the client asked for in its
 * Accept header and what each row carries ({@code includeObject}). Handlers ask {@link #negotiate}
 * first; null means the client gets the plain object or list.
 */
public final class TableFormat {
  /** What {@code row.object} holds. */
  public enum IncludeObject {
    /** The object's metadata as a PartialObjectMetadata (the default). */
    METADATA,
    /** The whole object, in the requested version. */
    OBJECT,
    /** Nothing. */
    NONE
  }

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final String version;
  private final IncludeObject include;

  TableFormat(String version, IncludeObject include) {
    this.version = version;
    this.include = include;
  }

  /**
   * The Table format the Accept header asks for, or null when its first acceptable option is the
   * plain JSON representation (or the header is absent). Options the server cannot produce
   * (protobuf, PartialObjectMetadata, Tables of other versions) are skipped, as upstream's
   * negotiation does. A Table request with an unknown {@code includeObject} is a 400.
   */
  public static TableFormat negotiate(String accept, String includeObject) {
    if (accept == null || accept.isBlank()) {
      return null;
    }
    for (MediaRange range : MediaRange.parseAll(accept)) {
      if (!range.jsonCompatible()) {
        continue;
      }
      String as = range.param("as");
      if (as == null) {
        if (range.param("g") == null && range.param("v") == null) {
          return null;
        }
        continue;
      }
      if (!as.equals("Table") || !"meta.k8s.io".equals(range.param("g"))) {
        continue;
      }
      String v = range.param("v");
      if ("v1".equals(v) || "v1beta1".equals(v)) {
        return new TableFormat(v, includeObject(includeObject));
      }
    }
    return null;
  }

  static IncludeObject includeObject(String value) {
    if (value == null || value.isEmpty() || value.equals("Metadata")) {
      return IncludeObject.METADATA;
    }
    if (value.equals("Object")) {
      return IncludeObject.OBJECT;
    }
    if (value.equals("None")) {
      return IncludeObject.NONE;
    }
    throw ApiException.badRequest(
        "Unable to convert to Table as requested: includeObject:"
            + " Unsupported value: \""
            + value
            + "\": supported values: \"Metadata\", \"None\","
            + " \"Object\"");
  }

  /** "meta.k8s.io/v1" or "meta.k8s.io/v1beta1". */
  public String apiVersion() {
    return "meta.k8s.io/" + version;
  }

  public IncludeObject include() {
    return include;
  }

  /** The response Content-Type, as kube-apiserver sends it. */
  public String contentType() {
    return "application/json;as=Table;v=" + version + ";g=meta.k8s.io";
  }

  /** A one-row Table for a GET; its resourceVersion is the object's. */
  public byte[] object(ResourceStorage storage, ResourceType type, JsonNode obj) {
    Printer printer = Printers.forType(storage, type);
    String rv = obj.path("metadata").path("resourceVersion").asText("");
    return Json.write(table(printer, List.of(obj), true, rv, null, Instant.now()));
  }

  /** A Table for one page of a LIST. */
  public byte[] list(
      ResourceStorage storage,
      ResourceType type,
      List<? extends JsonNode> items,
      long revision,
      String continueToken) {
    Printer printer = Printers.forType(storage, type);
    return Json.write(
        table(
            printer,
            new ArrayList<>(items),
            true,
            Long.toString(revision),
            continueToken,
            Instant.now()));
  }

  /**
   * A LIST's Table made a piece at a time, for a list sent as it is read; null when the kind's
   * printer sorts its rows (it needs them all first).
   */
  public Rows rows(ResourceStorage storage, ResourceType type, long revision) {
    Printer printer = Printers.forType(storage, type);
    return printer.keepsStoreOrder() ? new Rows(printer, Long.toString(revision)) : null;
  }

  /**
   * The pieces of one streamed Table, byte for byte what {@link #list} writes for the same objects:
   * the head up to the opening of {@code rows}, then rows, then {@link #TAIL}.
   */
  public final class Rows {
    private final Printer printer;
    private final String resourceVersion;
    private final Instant now = Instant.now();

    private Rows(Printer printer, String resourceVersion) {
      this.printer = printer;
      this.resourceVersion = resourceVersion;
    }

    /** The Table up to and including {@code "rows":[}. */
    public byte[] head() {
      byte[] empty = Json.write(table(printer, List.of(), true, resourceVersion, null, now));
      return java.util.Arrays.copyOf(empty, empty.length - TAIL.length);
    }

    /** The row of one object, without separators. */
    public byte[] row(JsonNode obj) {
      return Json.write(TableFormat.this.row(printer, obj, now));
    }
  }

  /** What closes a streamed Table: the rows array and the Table. */
  public static final byte[] TAIL = {']', '}'};

  /** A per-watch encoder: each event's object becomes a one-row Table. */
  public TableWatch watch(ResourceStorage storage, ResourceType type) {
    return new TableWatch(this, Printers.forType(storage, type));
  }

  /**
   * Builds the Table. {@code columnDefinitions} is null when {@code headers} is false, as in every
   * watch event after the first.
   */
  ObjectNode table(
      Printer printer,
      List<JsonNode> items,
      boolean headers,
      String resourceVersion,
      String continueToken,
      Instant now) {
    ObjectNode table = NODES.objectNode();
    table.put("kind", "Table");
    table.put("apiVersion", apiVersion());
    ObjectNode meta = table.putObject("metadata");
    if (resourceVersion != null && !resourceVersion.isEmpty()) {
      meta.put("resourceVersion", resourceVersion);
    }
    if (continueToken != null && !continueToken.isEmpty()) {
      meta.put("continue", continueToken);
    }
    if (headers) {
      ArrayNode columns = table.putArray("columnDefinitions");
      for (Column c : printer.columns()) {
        columns.add(c.toJson());
      }
    } else {
      table.putNull("columnDefinitions");
    }
    ArrayNode rows = table.putArray("rows");
    for (JsonNode obj : printer.order(items)) {
      rows.add(row(printer, obj, now));
    }
    return table;
  }

  private ObjectNode row(Printer printer, JsonNode obj, Instant now) {
    Printer.Row r = printer.row(obj, now);
    ObjectNode row = NODES.objectNode();
    ArrayNode cells = row.putArray("cells");
    for (Object cell : r.cells()) {
      cells.add(cellNode(cell));
    }
    if (r.completed() != null) {
      ObjectNode c = row.putArray("conditions").addObject();
      c.put("type", "Completed");
      c.put("status", "True");
      c.put("reason", r.completed());
      c.put(
          "message",
          r.completed().equals("Succeeded")
              ? "The pod has completed successfully."
              : "The pod failed.");
    }
    switch (include) {
      case OBJECT -> row.set("object", obj);
      case NONE -> row.putNull("object");
      default -> {
        ObjectNode partial = row.putObject("object");
        partial.put("kind", "PartialObjectMetadata");
        partial.put("apiVersion", apiVersion());
        JsonNode metadata = obj.get("metadata");
        partial.set(
            "metadata", metadata != null && metadata.isObject() ? metadata : NODES.objectNode());
      }
    }
    return row;
  }

  static JsonNode cellNode(Object cell) {
    if (cell == null) {
      return NODES.nullNode();
    }
    if (cell instanceof JsonNode n) {
      return n;
    }
    if (cell instanceof String s) {
      return NODES.textNode(s);
    }
    if (cell instanceof Long l) {
      return NODES.numberNode(l);
    }
    if (cell instanceof Integer i) {
      return NODES.numberNode(i.longValue());
    }
    if (cell instanceof Double d) {
      return NODES.numberNode(d);
    }
    if (cell instanceof Boolean b) {
      return NODES.booleanNode(b);
    }
    return NODES.textNode(cell.toString());
  }

  /** One option of an Accept header. */
  record MediaRange(String type, List<String[]> params, double q, int index) {

    static List<MediaRange> parseAll(String header) {
      List<MediaRange> out = new ArrayList<>();
      int index = 0;
      for (String part : splitOutsideQuotes(header, ',')) {
        if (part.isBlank()) {
          continue;
        }
        List<String> pieces = splitOutsideQuotes(part, ';');
        String type = pieces.get(0).trim().toLowerCase(Locale.ROOT);
        List<String[]> params = new ArrayList<>();
        double q = 1;
        for (int i = 1; i < pieces.size(); i++) {
          String p = pieces.get(i).trim();
          int eq = p.indexOf('=');
          if (eq <= 0) {
            continue;
          }
          String key = p.substring(0, eq).trim();
          String value = p.substring(eq + 1).trim();
          if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            value = value.substring(1, value.length() - 1);
          }
          if (key.equalsIgnoreCase("q")) {
            try {
              q = Double.parseDouble(value);
            } catch (NumberFormatException e) {
              q = 0;
            }
            continue;
          }
          params.add(new String[] {key, value});
        }
        if (q > 0) {
          out.add(new MediaRange(type, params, q, index++));
        }
      }
      out.sort(
          Comparator.comparingDouble((MediaRange m) -> -m.q()).thenComparingInt(MediaRange::index));
      return out;
    }

    boolean jsonCompatible() {
      return type.equals("application/json") || type.equals("*/*") || type.equals("application/*");
    }

    String param(String key) {
      for (String[] p : params) {
        if (p[0].equalsIgnoreCase(key)) {
          return p[1];
        }
      }
      return null;
    }

    private static List<String> splitOutsideQuotes(String s, char sep) {
      List<String> out = new ArrayList<>();
      StringBuilder cur = new StringBuilder();
      boolean quoted = false;
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c == '"') {
          quoted = !quoted;
        }
        if (c == sep && !quoted) {
          out.add(cur.toString());
          cur.setLength(0);
        } else {
          cur.append(c);
        }
      }
      out.add(cur.toString());
      return out;
    }
  }
}
