package dev.flotilla.apiserver.table;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * kube-apiserver's default table for built-in kinds without a printer of their own (roles, cluster
 * roles, CRDs, limit ranges, ...): Name and "Created At", the creation time in UTC.
 */
final class DefaultPrinter implements Printer {
  static final DefaultPrinter INSTANCE = new DefaultPrinter();

  private static final List<Column> COLUMNS =
      List.of(Column.nameColumn(), Column.of("Created At", "date", "When the object was created."));

  private static final DateTimeFormatter RFC3339 =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX").withZone(ZoneOffset.UTC);

  private DefaultPrinter() {}

  @Override
  public List<Column> columns() {
    return COLUMNS;
  }

  @Override
  public Row row(JsonNode obj, Instant now) {
    JsonNode meta = obj.path("metadata");
    Instant created = HumanDuration.parse(meta.path("creationTimestamp").asText(""));
    String at =
        created == null
            ? "0001-01-01T00:00:00Z"
            : RFC3339.format(created.truncatedTo(ChronoUnit.SECONDS));
    return Row.of(meta.path("name").asText(""), at);
  }
}
