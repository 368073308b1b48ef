package dev.flotilla.apiserver.http;

import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.objects.ResourceStorage;
import dev.flotilla.apiserver.storage.KeyValue;
import dev.flotilla.apiserver.table.TableFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** GET of one object: stored bytes go out untouched when the client speaks the storage version. */
final class GetHandler implements OperationHandler {
  private final ResourceStorage storage;

  GetHandler(ResourceStorage storage) {
    this.storage = storage;
  }

  @Override
  public CompletableFuture<Reply> handle(ApiRequest r) {
    String subresource = r.info().subresource();
    if (subresource != null && !subresource.equals("status")) {
      // A subresource this server does not serve (pods/log, pods/exec on the hub): never the
      // parent object in its place, which a client would take for the subresource's answer.
      throw new ApiException(
          404,
          "NotFound",
          "the server could not find the requested resource ("
              + r.type().plural()
              + "/"
              + subresource
              + " is not served here)");
    }
    KeyValue kv = storage.getRaw(r.type(), r.info().namespace(), r.info().name());
    TableFormat table = TableFormat.negotiate(r.headers().get("Accept"), r.param("includeObject"));
    String sub = r.info().subresource();
    if (table != null && (sub == null || sub.equals("status"))) {
      return CompletableFuture.completedFuture(
          new Reply(
              200,
              table.contentType(),
              table.object(storage, r.type(), storage.toVersion(r.type(), kv.value())),
              List.of()));
    }
    byte[] body =
        storage.storedAsIs(r.type())
            ? kv.value()
            : Json.write(storage.toVersion(r.type(), kv.value()));
    return CompletableFuture.completedFuture(Reply.json(200, body));
  }
}
