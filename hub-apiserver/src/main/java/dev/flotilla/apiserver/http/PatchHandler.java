package dev.flotilla.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.apply.FieldManager;
import dev.flotilla.apiserver.apply.FieldManagers;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.objects.Meta;
import dev.flotilla.apiserver.objects.ResourceStorage;
import dev.flotilla.apiserver.patch.PatchType;
import dev.flotilla.apiserver.patch.Patcher;
import dev.flotilla.apiserver.patch.SchemaNode;
import dev.flotilla.apiserver.patch.Schemas;
import dev.flotilla.apiserver.registry.BuiltinCatalogue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * PATCH of an object or its status with any of the four patch types: strategic merge patches follow
 * the kind's schema, server-side apply tracks field ownership and reports conflicts, and every
 * other patch records an Update in managedFields. Apply of an absent object creates it.
 */
final class PatchHandler implements OperationHandler {
  private final ResourceStorage storage;
  private final Schemas schemas;

  PatchHandler(ResourceStorage storage) {
    this.storage = storage;
    this.schemas = new Schemas(BuiltinCatalogue.get(), storage);
  }

  @Override
  public CompletableFuture<Reply> handle(ApiRequest r) {
    String sub = r.info().subresource();
    if (sub != null && !sub.equals("status")) {
      throw ApiException.methodNotAllowed(
          "patch of the "
              + sub
              + " subresource of "
              + r.type().groupResource()
              + " is not supported");
    }
    PatchType patchType = PatchType.of(r.contentType());
    if (patchType == PatchType.STRATEGIC && !r.type().builtin()) {
      throw new ApiException(
          415,
          "UnsupportedMediaType",
          "strategic merge patch is not supported"
              + " for custom resources ("
              + r.type().groupResource()
              + "): use a JSON merge patch"
              + " (--type=merge) or a JSON patch (--type=json)");
    }
    if (r.body() == null || r.body().length() == 0) {
      throw ApiException.badRequest("the PATCH request needs a patch body");
    }
    boolean apply = patchType == PatchType.APPLY;
    FieldManagers.checkForce(r.param("force") != null, apply);
    String manager =
        FieldManagers.resolve(
            r.param("fieldManager"), r.headers().get("User-Agent"), apply, "PatchOptions");
    SchemaNode schema = schemas.forType(r.type());
    FieldManager fields = new FieldManager(r.type(), schema, sub);
    byte[] patch = r.body().getBytes();
    if (apply) {
      return apply(r, fields, manager, Json.parseObject(patch, true));
    }
    return storage
        .patch(
            r.type(),
            r.info().namespace(),
            r.info().name(),
            current -> Patcher.apply(patchType, current, patch, schema),
            sub != null,
            r.dryRun(),
            (live, desired) -> fields.update(live, desired, manager))
        .thenApply(obj -> Reply.json(200, obj));
  }

  /** Server-side apply: creates an absent object, else merges with ownership and conflicts. */
  private CompletableFuture<Reply> apply(
      ApiRequest r, FieldManager fields, String manager, ObjectNode config) {
    if (config.path("kind").asText("").isEmpty()
        || config.path("apiVersion").asText("").isEmpty()) {
      throw ApiException.badRequest("an apply configuration must set apiVersion and kind");
    }
    String ns = r.info().namespace();
    String name = r.info().name();
    String bodyName = Meta.name(config);
    if (bodyName != null && !bodyName.isEmpty() && !bodyName.equals(name)) {
      throw ApiException.badRequest(
          "the name of the object ("
              + bodyName
              + ") does not match the name on the URL ("
              + name
              + ")");
    }
    boolean force = r.flag("force");
    boolean dryRun = r.dryRun();
    String sub = r.info().subresource();
    if (sub == null && storage.find(r.type(), ns, name).isEmpty()) {
      ObjectNode toCreate = config.deepCopy();
      Meta.metadata(toCreate).put("name", name);
      ObjectNode created = fields.apply(null, toCreate, manager, force);
      return storage
          .create(r.type(), ns, created, dryRun)
          .thenApply(obj -> Reply.json(dryRun ? 200 : 201, obj))
          .exceptionallyCompose(
              t -> {
                RuntimeException e = ResourceStorage.unwrap(t);
                if (e instanceof ApiException
                    && ((ApiException) e).reason().equals("AlreadyExists")) {
                  return applyExisting(r, fields, manager, config, force);
                }
                return CompletableFuture.failedFuture(e);
              });
    }
    return applyExisting(r, fields, manager, config, force);
  }

  private CompletableFuture<Reply> applyExisting(
      ApiRequest r, FieldManager fields, String manager, ObjectNode config, boolean force) {
    // The apply computes the object and its managedFields together; the managedFields are
    // carried over the status split that storage applies afterwards. Through /status the apply
    // merges only the status (FieldManager.appliedPart), so they describe what the split keeps.
    AtomicReference<JsonNode> managed = new AtomicReference<>();
    return storage
        .patch(
            r.type(),
            r.info().namespace(),
            r.info().name(),
            current -> {
              ObjectNode applied = fields.apply(current, config, manager, force);
              managed.set(applied.path("metadata").get("managedFields"));
              return applied;
            },
            r.info().subresource() != null,
            r.dryRun(),
            (live, desired) -> {
              JsonNode m = managed.get();
              if (m == null) {
                Meta.metadata(desired).remove("managedFields");
              } else {
                Meta.metadata(desired).set("managedFields", m);
              }
              return desired;
            })
        .thenApply(obj -> Reply.json(200, obj));
  }
}
