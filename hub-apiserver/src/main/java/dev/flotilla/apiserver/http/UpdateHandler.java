package dev.flotilla.apiserver.http;

import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.objects.ResourceStorage;
import java.util.concurrent.CompletableFuture;

/** PUT of an object or its status: optimistic concurrency on metadata.resourceVersion. */
final class UpdateHandler implements OperationHandler {
  private final ResourceStorage storage;

  UpdateHandler(ResourceStorage storage) {
    this.storage = storage;
  }

  @Override
  public CompletableFuture<Reply> handle(ApiRequest r) {
    String sub = r.info().subresource();
    if (sub != null && !sub.equals("status")) {
      throw ApiException.methodNotAllowed("update of the " + sub + " subresource of "
          + r.type().groupResource() + " is not supported");
    }
    return storage.update(r.type(), r.info().namespace(), r.info().name(), r.bodyObject(),
            sub != null, r.dryRun())
        .thenApply(updated -> Reply.json(200, updated));
  }
}
