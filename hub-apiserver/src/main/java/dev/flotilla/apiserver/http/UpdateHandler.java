package dev.flotilla.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.apply.FieldManager;
import dev.flotilla.apiserver.apply.FieldManagers;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.objects.ResourceStorage;
import dev.flotilla.apiserver.patch.Schemas;
import dev.flotilla.apiserver.registry.BuiltinCatalogue;
import java.util.concurrent.CompletableFuture;

/**
 * PUT of an object or its status: optimistic concurrency on metadata.resourceVersion, and the
 * changed fields recorded for the request's field manager in managedFields.
 */
final class UpdateHandler implements OperationHandler {
  private final ResourceStorage storage;
  private final Schemas schemas;

  UpdateHandler(ResourceStorage storage) {
    this.storage = storage;
    this.schemas = new Schemas(BuiltinCatalogue.get(), storage);
  }

  @Override
  public CompletableFuture<Reply> handle(ApiRequest r) {
    String sub = r.info().subresource();
    if (sub != null && !sub.equals("status")) {
      throw ApiException.methodNotAllowed(
          "update of the "
              + sub
              + " subresource of "
              + r.type().groupResource()
              + " is not supported");
    }
    String manager =
        FieldManagers.resolve(
            r.param("fieldManager"), r.headers().get("User-Agent"), false, "UpdateOptions");
    FieldManager fields = new FieldManager(r.type(), schemas.forType(r.type()), sub);
    ObjectNode body = r.bodyObject();
    JsonNode metadata = body.path("metadata");
    JsonNode bodyName = metadata.path("name");
    boolean typed = metadata.isMissingNode() || metadata.isNull() || metadata.isObject();
    if (typed
        && (bodyName.isMissingNode()
            || bodyName.isNull()
            || (bodyName.isTextual() && bodyName.asText().isEmpty()))) {
      // As upstream's checkName: a PUT replaces the named object with the body, so a body that
      // names nothing (say {"a": 1}) is a mistake, never an order to wipe the object.
      throw ApiException.badRequest(
          "the name of the object () does not match the name on the URL (" + r.info().name() + ")");
    }
    return storage
        .updateJson(
            r.type(),
            r.info().namespace(),
            r.info().name(),
            body,
            sub != null,
            r.dryRun(),
            (live, desired) -> fields.update(live, desired, manager))
        .thenApply(updated -> Reply.json(200, updated));
  }
}
