package dev.flotilla.apiserver.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.objects.Meta;
import dev.flotilla.apiserver.objects.ResourceStorage;
import dev.flotilla.apiserver.patch.PatchType;
import dev.flotilla.apiserver.patch.Patcher;
import java.util.concurrent.CompletableFuture;

/**
 * PATCH of an object or its status with any of the four patch types. Server-side apply of an
 * absent object creates it, as upstream does.
 */
final class PatchHandler implements OperationHandler {
  private final ResourceStorage storage;

  PatchHandler(ResourceStorage storage) {
    this.storage = storage;
  }

  @Override
  public CompletableFuture<Reply> handle(ApiRequest r) {
    String sub = r.info().subresource();
    if (sub != null && !sub.equals("status")) {
      throw ApiException.methodNotAllowed("patch of the " + sub + " subresource of "
          + r.type().groupResource() + " is not supported");
    }
    PatchType patchType = PatchType.of(r.contentType());
    if (patchType == PatchType.STRATEGIC && !r.type().builtin()) {
      throw new ApiException(415, "UnsupportedMediaType", "strategic merge patch is not supported"
          + " for custom resources (" + r.type().groupResource() + "): use a JSON merge patch"
          + " (--type=merge) or a JSON patch (--type=json)");
    }
    if (r.body() == null || r.body().length() == 0) {
      throw ApiException.badRequest("the PATCH request needs a patch body");
    }
    byte[] patch = r.body().getBytes();
    boolean dryRun = r.dryRun();
    String ns = r.info().namespace();
    String name = r.info().name();
    if (patchType == PatchType.APPLY) {
      ObjectNode applied = Json.parseObject(patch, true);
      if (storage.find(r.type(), ns, name).isEmpty()) {
        if (Meta.name(applied) == null) {
          Meta.metadata(applied).put("name", name);
        }
        return storage.create(r.type(), ns, applied, dryRun)
            .thenApply(created -> Reply.json(dryRun ? 200 : 201, created));
      }
      byte[] asMerge = Json.write(applied);
      return storage.patch(r.type(), ns, name,
              current -> Patcher.apply(PatchType.MERGE, current, asMerge), sub != null, dryRun)
          .thenApply(obj -> Reply.json(200, obj));
    }
    return storage.patch(r.type(), ns, name, current -> Patcher.apply(patchType, current, patch),
            sub != null, dryRun)
        .thenApply(obj -> Reply.json(200, obj));
  }
}
