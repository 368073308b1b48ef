package dev.flotilla.apiserver.table;

import static dev.flotilla.apiserver.table.Cells.at;
import static dev.flotilla.apiserver.table.Cells.bool;
import static dev.flotilla.apiserver.table.Cells.containers;
import static dev.flotilla.apiserver.table.Cells.formatSelector;
import static dev.flotilla.apiserver.table.Cells.has;
import static dev.flotilla.apiserver.table.Cells.labels;
import static dev.flotilla.apiserver.table.Cells.list;
import static dev.flotilla.apiserver.table.Cells.num;
import static dev.flotilla.apiserver.table.Cells.numOr;
import static dev.flotilla.apiserver.table.Cells.size;
import static dev.flotilla.apiserver.table.Cells.str;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.flotilla.apiserver.registry.ResourceType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The server-side printers of kube-apiserver 1.33 for the built-in kinds, read from {@code
 * builtin-printers.yaml}: each kind's columns are data (title, type, priority, cell, description);
 * cells with logic of their own are named Java functions ({@link PrinterCells}, {@link
 * PrinterRows}). The server always prints the wide columns; kubectl drops priority-1 columns unless
 * {@code -o wide}.
 */
final class BuiltinPrinters {
  private static final String RESOURCE = "builtin-printers.yaml";
  private static final Map<String, Printer> PRINTERS = load();

  private BuiltinPrinters() {}

  static Optional<Printer> find(ResourceType type) {
    return Optional.ofNullable(PRINTERS.get(type.group() + "/" + type.plural()));
  }

  /** A printer whose rows are its cells in column order, then any undeclared trailing cells. */
  private record TablePrinter(
      List<Column> columns,
      List<Cell> cells,
      PrinterRows.RowFn rowFn,
      UnaryOperator<List<JsonNode>> order)
      implements Printer {
    @Override
    public Row row(JsonNode obj, Instant now) {
      if (rowFn != null) {
        return rowFn.row(obj, now);
      }
      Object[] values = new Object[cells.size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = cells.get(i).of(obj, now);
      }
      return Row.of(values);
    }

    @Override
    public List<JsonNode> order(List<JsonNode> items) {
      return order == null ? items : order.apply(items);
    }

    @Override
    public boolean keepsStoreOrder() {
      return order == null;
    }
  }

  private static Map<String, Printer> load() {
    JsonNode doc;
    try (InputStream in = BuiltinPrinters.class.getResourceAsStream(RESOURCE)) {
      doc = new ObjectMapper(new YAMLFactory()).readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
    Map<String, Cell> named = PrinterCells.all();
    Map<String, PrinterRows.RowFn> rows = PrinterRows.all();
    Map<String, Printer> printers = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = doc.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> kind = it.next();
      JsonNode spec = kind.getValue();
      JsonNode columnSpecs = spec.path("columns");
      if (columnSpecs.isTextual()) {
        columnSpecs = doc.path(columnSpecs.asText()).path("columns");
      }
      List<Column> columns = new ArrayList<>();
      List<Cell> cells = new ArrayList<>();
      for (JsonNode c : columnSpecs) {
        column(kind.getKey(), c.asText(), named, columns, cells);
      }
      for (JsonNode t : spec.path("trailing")) {
        cells.add(cell(kind.getKey(), t.asText(), named));
      }
      PrinterRows.RowFn rowFn = null;
      if (spec.has("row")) {
        rowFn = require(kind.getKey(), rows, spec.path("row").asText());
      }
      UnaryOperator<List<JsonNode>> order = null;
      if (spec.path("order").asText().equals("matchingPrecedence")) {
        order = BuiltinPrinters::byMatchingPrecedence;
      }
      String key = kind.getKey().contains("/") ? kind.getKey() : "/" + kind.getKey();
      printers.put(key, new TablePrinter(List.copyOf(columns), cells, rowFn, order));
    }
    return Map.copyOf(printers);
  }

  /** One "Title | type[/format] | priority | cell | description" entry, or Name / Age. */
  private static void column(
      String kind, String text, Map<String, Cell> named, List<Column> columns, List<Cell> cells) {
    if (text.equals("Name")) {
      columns.add(Column.nameColumn());
      cells.add((o, now) -> Cells.name(o));
      return;
    }
    if (text.equals("Age")) {
      columns.add(Column.ageColumn());
      cells.add(Cells::age);
      return;
    }
    String[] f = text.split("\\|", 5);
    if (f.length != 5) {
      throw new IllegalStateException(RESOURCE + ": " + kind + ": bad column '" + text + "'");
    }
    String[] type = f[1].strip().split("/", 2);
    columns.add(
        new Column(
            f[0].strip(),
            type[0],
            type.length > 1 ? type[1] : "",
            f[4].strip(),
            Integer.parseInt(f[2].strip())));
    String cell = f[3].strip();
    // "-": the kind's row function fills the cell.
    cells.add(cell.equals("-") ? null : cell(kind, cell, named));
  }

  /** A cell expression: name, age, @named, or "function path" (see the resource's header). */
  private static Cell cell(String kind, String expr, Map<String, Cell> named) {
    if (expr.equals("name")) {
      return (o, now) -> Cells.name(o);
    }
    if (expr.equals("age")) {
      return Cells::age;
    }
    if (expr.startsWith("@")) {
      return require(kind, named, expr.substring(1));
    }
    String[] parts = expr.split(" ", 2);
    if (parts.length != 2) {
      throw new IllegalStateException(RESOURCE + ": " + kind + ": bad cell '" + expr + "'");
    }
    String[] p = parts[1].split("\\.");
    String fn = parts[0];
    if (fn.startsWith("default:")) {
      String fallback = fn.substring("default:".length());
      return (o, now) -> PrinterCells.orDefault(str(o, p), fallback);
    }
    if (fn.startsWith("present:")) {
      String fallback = fn.substring("present:".length());
      return (o, now) -> has(o, p) ? str(o, p) : fallback;
    }
    return switch (fn) {
      case "str" -> (o, now) -> str(o, p);
      case "num" -> (o, now) -> num(o, p);
      case "bool" -> (o, now) -> bool(o, p);
      case "count" -> (o, now) -> (long) size(o, p);
      case "replicas" -> (o, now) -> numOr(1, o, p);
      case "labels" -> (o, now) -> labels(at(o, p));
      case "selector" -> (o, now) -> formatSelector(at(o, p));
      case "names" -> (o, now) -> containers(at(o, p))[0];
      case "images" -> (o, now) -> containers(at(o, p))[1];
      case "join" -> (o, now) -> String.join(",", PrinterCells.texts(list(o, p)));
      case "accessModes" -> (o, now) -> PrinterCells.accessModes(at(o, p));
      default ->
          throw new IllegalStateException(RESOURCE + ": " + kind + ": unknown cell '" + expr + "'");
    };
  }

  private static <T> T require(String kind, Map<String, T> named, String name) {
    T found = named.get(name);
    if (found == null) {
      throw new IllegalStateException(RESOURCE + ": " + kind + ": no function '" + name + "'");
    }
    return found;
  }

  /** Flow schemas list in matching order: by precedence, then name. */
  private static List<JsonNode> byMatchingPrecedence(List<JsonNode> items) {
    List<JsonNode> sorted = new ArrayList<>(items);
    sorted.sort(
        Comparator.comparingLong((JsonNode o) -> num(o, "spec", "matchingPrecedence"))
            .thenComparing(Cells::name));
    return sorted;
  }
}
