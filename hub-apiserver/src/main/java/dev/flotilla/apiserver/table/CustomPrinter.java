package dev.flotilla.apiserver.table;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * A CRD version's {@code additionalPrinterColumns}, evaluated the way kube-apiserver's
 * custom-resource table convertor does: Name first, then one column per declared JSONPath (or just
 * Age when none is declared); the first JSONPath result fills the cell, string columns print it as
 * client-go's JSONPath printer does, date columns become ages, and anything missing or of the wrong
 * type is a null cell (kubectl leaves it blank).
 */
final class CustomPrinter implements Printer {
  /** What a CRD without printer columns gets. */
  static final CustomPrinter DEFAULT = of(null);

  private final List<Column> columns;
  private final List<JsonPath> paths;

  private CustomPrinter(List<Column> columns, List<JsonPath> paths) {
    this.columns = columns;
    this.paths = paths;
  }

  /** From a version's additionalPrinterColumns array (missing or empty: the Age default). */
  static CustomPrinter of(JsonNode declared) {
    List<Column> columns = new ArrayList<>();
    List<JsonPath> paths = new ArrayList<>();
    columns.add(Column.nameColumn());
    if (declared == null || !declared.isArray() || declared.isEmpty()) {
      columns.add(new Column("Age", "date", "", "Time since the object was created.", 0));
      paths.add(JsonPath.compile(".metadata.creationTimestamp"));
      return new CustomPrinter(columns, paths);
    }
    for (JsonNode c : declared) {
      String jsonPath = c.path("jsonPath").asText(c.path("JSONPath").asText(""));
      JsonPath path;
      try {
        path = JsonPath.compile(jsonPath);
      } catch (JsonPath.JsonPathException e) {
        // Upstream stops at the first column it cannot parse and serves the ones before it.
        break;
      }
      String description = c.path("description").asText("");
      if (description.isEmpty()) {
        description = "Custom resource definition column (in JSONPath format): " + jsonPath;
      }
      columns.add(
          new Column(
              c.path("name").asText(),
              c.path("type").asText(),
              c.path("format").asText(""),
              description,
              c.path("priority").asInt(0)));
      paths.add(path);
    }
    return new CustomPrinter(columns, paths);
  }

  @Override
  public List<Column> columns() {
    return columns;
  }

  @Override
  public Row row(JsonNode obj, Instant now) {
    List<Object> cells = new ArrayList<>(columns.size());
    cells.add(obj.path("metadata").path("name").asText(""));
    for (int i = 0; i < paths.size(); i++) {
      String type = columns.get(i + 1).type();
      List<JsonNode> found;
      try {
        found = paths.get(i).find(obj);
      } catch (JsonPath.JsonPathException e) {
        cells.add(null);
        continue;
      }
      if (found.isEmpty()) {
        cells.add(null);
        continue;
      }
      cells.add(cell(type, found.get(0), now));
    }
    return new Row(cells, null);
  }

  /** {@code cellForJSONValue}, plus the JSONPath text printing string columns get. */
  static Object cell(String type, JsonNode value, Instant now) {
    if (type.equals("string")) {
      return GoText.print(value);
    }
    if (value == null || value.isNull()) {
      return null;
    }
    switch (type) {
      case "integer":
        if (value.isIntegralNumber()) {
          return value.longValue();
        }
        if (value.isNumber()) {
          return (long) value.doubleValue();
        }
        return null;
      case "number":
        return value.isNumber() ? value.doubleValue() : null;
      case "boolean":
        return value.isBoolean() ? value.booleanValue() : null;
      case "date":
        if (!value.isTextual()) {
          return null;
        }
        String text = value.asText();
        if (text.isEmpty() || text.equals("null")) {
          return "<unknown>";
        }
        try {
          OffsetDateTime.parse(text);
        } catch (DateTimeParseException e) {
          return "<invalid>";
        }
        return HumanDuration.since(text, now);
      default:
        return null;
    }
  }
}
