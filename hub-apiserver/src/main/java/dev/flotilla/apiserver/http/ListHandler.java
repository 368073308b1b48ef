package dev.flotilla.apiserver.http;

import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.objects.ListQuery;
import dev.flotilla.apiserver.objects.ResourceStorage;
import dev.flotilla.apiserver.registry.ResourceType;
import dev.flotilla.apiserver.storage.KeyValue;
import dev.flotilla.apiserver.table.TableFormat;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** LIST: a page of objects, written by splicing stored bytes into the list envelope. */
final class ListHandler implements OperationHandler {
  private final ResourceStorage storage;

  ListHandler(ResourceStorage storage) {
    this.storage = storage;
  }

  @Override
  public CompletableFuture<Reply> handle(ApiRequest r) {
    ListQuery.Page page = ListQuery.list(storage, r.type(), r.info().namespace(), r.listOptions());
    TableFormat table = TableFormat.negotiate(r.headers().get("Accept"), r.param("includeObject"));
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

  static byte[] envelope(ResourceStorage storage, ResourceType type, ListQuery.Page page) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 + page.items().size() * 512);
    StringBuilder head = new StringBuilder();
    head.append("{\"kind\":\"")
        .append(type.listKind())
        .append("\",\"apiVersion\":\"")
        .append(type.apiVersion())
        .append("\",\"metadata\":{\"resourceVersion\":\"")
        .append(page.revision())
        .append('"');
    if (page.continueToken() != null) {
      head.append(",\"continue\":\"").append(page.continueToken()).append('"');
    }
    head.append("},\"items\":[");
    out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
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
