package dev.flotilla.apiserver.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.objects.ResourceStorage;
import java.util.concurrent.CompletableFuture;

/** POST to a collection: 201 with the stored object (200 for a dry run). */
final class CreateHandler implements OperationHandler {
  private final ResourceStorage storage;

  CreateHandler(ResourceStorage storage) {
    this.storage = storage;
  }

  @Override
  public CompletableFuture<Reply> handle(ApiRequest r) {
    if (r.info().subresource() != null) {
      throw ApiException.methodNotAllowed("create is not supported on the "
          + r.info().subresource() + " subresource of " + r.type().groupResource());
    }
    ObjectNode obj = r.bodyObject();
    boolean dryRun = r.dryRun();
    return storage.create(r.type(), r.info().namespace(), obj, dryRun)
        .thenApply(created -> Reply.json(dryRun ? 200 : 201, created));
  }
}
