package dev.flotilla.apiserver.http;

import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.objects.ListQuery;
import dev.flotilla.apiserver.objects.ResourceStorage;
import dev.flotilla.apiserver.registry.ResourceType;
import dev.flotilla.apiserver.storage.KeyValue;
import dev.flotilla.apiserver.table.TableFormat;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * An unpaged list's body, a store batch per piece ({@link ListQuery.Scan}): the envelope (or Table
 * head) first, then each item's stored bytes (converted only when the requested version differs
 * from the stored one), then the closing brackets. At most one batch of values is held at a time,
 * however long the list.
 */
final class ListPieces implements Reply.Pieces {
  private static final byte[] TAIL = {']', '}'};

  private final ResourceStorage storage;
  private final ResourceType type;
  private final ListQuery.Scan scan;
  private final TableFormat.Rows table;
  private final boolean asIs;
  private List<KeyValue> first;
  private boolean started;
  private boolean ended;
  private boolean any;

  private ListPieces(
      ResourceStorage storage,
      ResourceType type,
      ListQuery.Scan scan,
      List<KeyValue> first,
      TableFormat.Rows table) {
    this.storage = storage;
    this.type = type;
    this.scan = scan;
    this.first = first;
    this.table = table;
    this.asIs = storage.storedAsIs(type);
  }

  /**
   * Opens the body: the first opening continues {@code scan}, whose first batch {@code first} is
   * already read; any later one (an audit record of the whole body) reads the list again at the
   * same revision.
   */
  static Supplier<Reply.Pieces> opener(
      ResourceStorage storage,
      ResourceType type,
      ListQuery.Scan scan,
      List<KeyValue> first,
      TableFormat format) {
    AtomicReference<ListQuery.Scan> unopened = new AtomicReference<>(scan);
    return () -> {
      ListQuery.Scan s = unopened.getAndSet(null);
      List<KeyValue> head = first;
      if (s == null) {
        s = scan.again();
        head = s.next();
      }
      TableFormat.Rows rows = format == null ? null : format.rows(storage, type, s.revision());
      return new ListPieces(storage, type, s, head, rows);
    };
  }

  @Override
  public byte[] next() {
    if (ended) {
      return null;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
    if (!started) {
      started = true;
      out.writeBytes(table != null ? table.head() : head());
      append(out, first);
      first = null;
    }
    // One batch per call, even when a selector matches nothing in it (an empty piece): the writer
    // asks again only while the client is still there, so a client that left does not hold a
    // worker scanning the rest of the kind.
    if (!scan.done() && out.size() == 0) {
      append(out, scan.next());
    }
    if (scan.done()) {
      ended = true;
      out.writeBytes(TAIL);
    }
    return out.toByteArray();
  }

  private void append(ByteArrayOutputStream out, List<KeyValue> items) {
    if (items == null) {
      return;
    }
    for (KeyValue kv : items) {
      if (any) {
        out.write(',');
      }
      any = true;
      if (table != null) {
        out.writeBytes(table.row(storage.toVersion(type, kv.value())));
      } else {
        out.writeBytes(asIs ? kv.value() : Json.write(storage.toVersion(type, kv.value())));
      }
    }
  }

  private byte[] head() {
    return ListHandler.head(type, scan.revision(), null);
  }
}
