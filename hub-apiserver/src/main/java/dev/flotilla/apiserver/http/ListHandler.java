package dev.flotilla.apiserver.http;

import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.objects.ListOptions;
import dev.flotilla.apiserver.objects.ListQuery;
import dev.flotilla.apiserver.objects.ResourceStorage;
import dev.flotilla.apiserver.registry.ResourceType;
import dev.flotilla.apiserver.storage.KeyValue;
import dev.flotilla.apiserver.table.TableFormat;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * LIST: a page of objects, written by splicing stored bytes into the list envelope. An unpaged list
 * longer than one store batch is streamed ({@link ListPieces}): it is read and sent a batch at a
 * time at one revision, so its size never has to fit in the heap.
 */
final class ListHandler implements OperationHandler {
  private final ResourceStorage storage;

  ListHandler(ResourceStorage storage) {
    this.storage = storage;
  }

  @Override
  public CompletableFuture<Reply> handle(ApiRequest r) {
    ListOptionChecks.list(r);
    ListOptions options = r.listOptions();
    String namespace = r.info().namespace();
    ListQuery.Page page;
    ListQuery.Scan scan = null;
    List<KeyValue> first = null;
    if (options.limit() == 0
        && (options.continueToken() == null || options.continueToken().isEmpty())) {
      scan = ListQuery.scan(storage, r.type(), namespace, options);
      first = scan.next();
      page = new ListQuery.Page(first, scan.revision(), null);
    } else {
      page = ListQuery.list(storage, r.type(), namespace, options);
    }
    TableFormat table = TableFormat.negotiate(r.headers().get("Accept"), r.param("includeObject"));
    if (scan != null && !scan.done()) {
      if (table == null) {
        return CompletableFuture.completedFuture(
            Reply.streamed(
                200, Reply.JSON, ListPieces.opener(storage, r.type(), scan, first, null)));
      }
      if (table.rows(storage, r.type(), scan.revision()) != null) {
        return CompletableFuture.completedFuture(
            Reply.streamed(
                200,
                table.contentType(),
                ListPieces.opener(storage, r.type(), scan, first, table)));
      }
      page = rest(scan, first); // a printer that sorts needs every row first
    }
    if (table != null) {
      List<com.fasterxml.jackson.databind.node.ObjectNode> items =
          page.items().stream().map(kv -> storage.toVersion(r.type(), kv.value())).toList();
      return CompletableFuture.completedFuture(
          new Reply(
              200,
              table.contentType(),
              table.list(storage, r.type(), items, page.revision(), page.continueToken()),
              List.of()));
    }
    return CompletableFuture.completedFuture(Reply.json(200, envelope(storage, r.type(), page)));
  }

  private static ListQuery.Page rest(ListQuery.Scan scan, List<KeyValue> first) {
    List<KeyValue> all = new java.util.ArrayList<>(first);
    for (List<KeyValue> batch; (batch = scan.next()) != null; ) {
      all.addAll(batch);
    }
    return new ListQuery.Page(all, scan.revision(), null);
  }

  /** The list envelope up to and including {@code "items":[}. */
  static byte[] head(ResourceType type, long revision, String continueToken) {
    StringBuilder head = new StringBuilder();
    head.append("{\"kind\":\"")
        .append(type.listKind())
        .append("\",\"apiVersion\":\"")
        .append(type.apiVersion())
        .append("\",\"metadata\":{\"resourceVersion\":\"")
        .append(revision)
        .append('"');
    if (continueToken != null) {
      head.append(",\"continue\":\"").append(continueToken).append('"');
    }
    head.append("},\"items\":[");
    return head.toString().getBytes(StandardCharsets.UTF_8);
  }

  static byte[] envelope(ResourceStorage storage, ResourceType type, ListQuery.Page page) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 + page.items().size() * 512);
    out.writeBytes(head(type, page.revision(), page.continueToken()));
    boolean asIs = storage.storedAsIs(type);
    boolean first = true;
    for (KeyValue kv : page.items()) {
      if (!first) {
        out.write(',');
      }
      first = false;
      out.writeBytes(asIs ? kv.value() : Json.write(storage.toVersion(type, kv.value())));
    }
    out.writeBytes("]}".getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }
}
