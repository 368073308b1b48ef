package dev.flotilla.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.objects.DeleteOptions;
import dev.flotilla.apiserver.objects.ResourceStorage;
import java.util.concurrent.CompletableFuture;

/** DELETE of one object with DeleteOptions: 200 with the object (still there while finalizing). */
final class DeleteHandler implements OperationHandler {
  private final ResourceStorage storage;

  DeleteHandler(ResourceStorage storage) {
    this.storage = storage;
  }

  @Override
  public CompletableFuture<Reply> handle(ApiRequest r) {
    if (r.info().subresource() != null) {
      throw ApiException.methodNotAllowed("delete is not supported on a subresource");
    }
    DeleteOptions options = options(r);
    return storage
        .delete(r.type(), r.info().namespace(), r.info().name(), options)
        .thenApply(obj -> Reply.json(200, obj));
  }

  static DeleteOptions options(ApiRequest r) {
    JsonNode body = null;
    if (r.body() != null && r.body().length() > 0) {
      body = r.bodyObject();
      String kind = body.path("kind").asText("DeleteOptions");
      if (!kind.equals("DeleteOptions")) {
        throw ApiException.badRequest("the body of a DELETE must be DeleteOptions, got " + kind);
      }
    }
    return DeleteOptions.from(body, r.param("propagationPolicy"), r.dryRun());
  }
}
