package dev.flotilla.apiserver.table;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** One table cell of a built-in kind's printer, computed from the object. */
@FunctionalInterface
interface Cell {
  /** String, Long, Boolean or null, as kube-apiserver's printer would put in the cell. */
  Object of(JsonNode obj, Instant now);
}
