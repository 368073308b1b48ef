package dev.flotilla.apiserver.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.Json;
import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * Rewrites the watch events of one watch so each object is a one-row Table. As kube-apiserver does,
 * only the first event carries {@code columnDefinitions}; later ones send null and clients reuse
 * the first set. ERROR events (a Status) pass through untouched.
 */
public final class TableWatch {
  private final TableFormat format;
  private final Printer printer;
  private boolean headersSent;

  TableWatch(TableFormat format, Printer printer) {
    this.format = format;
    this.printer = printer;
  }

  /** One encoded event {@code {"type":..,"object":..}} in, the same event with a Table out. */
  public synchronized byte[] transform(byte[] event) {
    ObjectNode parsed;
    try {
      parsed = (ObjectNode) Json.MAPPER.readTree(event);
    } catch (IOException | ClassCastException e) {
      return event;
    }
    String type = parsed.path("type").asText();
    JsonNode obj = parsed.get("object");
    if (type.equals("ERROR")
        || obj == null
        || !obj.isObject()
        || "Status".equals(obj.path("kind").asText())) {
      return event;
    }
    ObjectNode table;
    try {
      table =
          format.table(
              printer,
              List.of(obj),
              !headersSent,
              obj.path("metadata").path("resourceVersion").asText(""),
              null,
              Instant.now());
    } catch (RuntimeException e) {
      // Upstream sends the untransformed object when conversion fails.
      return event;
    }
    headersSent = true;
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.put("type", type);
    out.set("object", table);
    return Json.write(out);
  }
}
