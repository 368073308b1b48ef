package dev.flotilla.apiserver.table;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * Turns objects of one resource into table rows: the server-side printer kube-apiserver has for
 * each built-in kind, the additionalPrinterColumns of a CRD version, or the default.
 */
public interface Printer {

  /** Every column, wide ones included; kubectl hides priority &gt; 0 without {@code -o wide}. */
  List<Column> columns();

  /** The cells (one per column, in order) and row conditions for one object. */
  Row row(JsonNode obj, Instant now);

  /** Reorders a list's objects when upstream sorts rows (flow schemas); most keep store order. */
  default List<JsonNode> order(List<JsonNode> items) {
    return items;
  }

  /** False when {@link #order} sorts: such a list's rows cannot be sent as they are read. */
  default boolean keepsStoreOrder() {
    return true;
  }

  /**
   * One table row.
   *
   * @param cells String, Long, Integer, Double, Boolean, JsonNode or null per column
   * @param completed non-null for a pod that finished: "Succeeded" or "Failed", which becomes the
   *     row condition {@code Completed=True} kube-apiserver attaches
   */
  record Row(List<Object> cells, String completed) {
    public static Row of(Object... cells) {
      return new Row(Arrays.asList(cells), null);
    }
  }
}
