package dev.flotilla.apiserver.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.apply.FieldManager;
import dev.flotilla.apiserver.apply.FieldManagers;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.objects.ResourceStorage;
import dev.flotilla.apiserver.patch.Schemas;
import dev.flotilla.apiserver.registry.BuiltinCatalogue;
import java.util.concurrent.CompletableFuture;

/**
 * POST to a collection: 201 with the stored object (200 for a dry run), its fields owned by the
 * request's field manager (an Update entry in managedFields).
 */
final class CreateHandler implements OperationHandler {
  private final ResourceStorage storage;
  private final Schemas schemas;

  CreateHandler(ResourceStorage storage) {
    this.storage = storage;
    this.schemas = new Schemas(BuiltinCatalogue.get(), storage);
  }

  @Override
  public CompletableFuture<Reply> handle(ApiRequest r) {
    if (r.info().subresource() != null) {
      throw ApiException.methodNotAllowed(
          "create is not supported on the "
              + r.info().subresource()
              + " subresource of "
              + r.type().groupResource());
    }
    String manager =
        FieldManagers.resolve(
            r.param("fieldManager"), r.headers().get("User-Agent"), false, "CreateOptions");
    ObjectNode obj =
        new FieldManager(r.type(), schemas.forType(r.type()), null)
            .update(null, r.bodyObject(), manager);
    boolean dryRun = r.dryRun();
    return storage
        .createJson(r.type(), r.info().namespace(), obj, dryRun)
        .thenApply(created -> Reply.json(dryRun ? 200 : 201, created));
  }
}
