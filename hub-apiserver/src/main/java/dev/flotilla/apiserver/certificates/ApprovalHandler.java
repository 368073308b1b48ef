package dev.flotilla.apiserver.certificates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.http.ApiRequest;
import dev.flotilla.apiserver.http.OperationHandler;
import dev.flotilla.apiserver.http.Reply;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.objects.Meta;
import dev.flotilla.apiserver.objects.ResourceStorage;
import dev.flotilla.apiserver.patch.PatchType;
import dev.flotilla.apiserver.patch.Patcher;
import dev.flotilla.apiserver.patch.SchemaNode;
import dev.flotilla.apiserver.patch.Schemas;
import dev.flotilla.apiserver.registry.BuiltinCatalogue;
import java.util.concurrent.CompletableFuture;

/**
 * The {@code approval} subresource of CertificateSigningRequests, as upstream's approval strategy:
 * a PUT (what {@code kubectl certificate approve|deny} sends) or a JSON, merge or strategic merge
 * PATCH changes {@code status.conditions} and nothing else; who may approve for the signer is
 * checked by {@link CsrAdmission}.
 */
final class ApprovalHandler implements OperationHandler {
  private final ResourceStorage storage;
  private final Schemas schemas;

  ApprovalHandler(ResourceStorage storage) {
    this.storage = storage;
    this.schemas = new Schemas(BuiltinCatalogue.get(), storage);
  }

  @Override
  public CompletableFuture<Reply> handle(ApiRequest r) {
    String name = r.info().name();
    switch (r.method()) {
      case "GET":
        return CompletableFuture.completedFuture(
            Reply.json(200, storage.get(r.type(), null, name)));
      case "PUT":
        break;
      case "PATCH":
        return patch(r);
      default:
        throw ApiException.methodNotAllowed(
            r.method()
                + " of certificatesigningrequests/approval is not supported: PUT the object with"
                + " its status.conditions (kubectl certificate approve|deny), or PATCH them");
    }
    ObjectNode body = r.bodyObject();
    String bodyName = Meta.name(body);
    if (bodyName != null && !bodyName.isEmpty() && !bodyName.equals(name)) {
      throw ApiException.badRequest(
          "the name of the object ("
              + bodyName
              + ") does not match the name on the URL ("
              + name
              + ")");
    }
    JsonNode conditions = body.path("status").path("conditions");
    return storage
        .guaranteedUpdate(
            r.type(),
            null,
            name,
            Meta.resourceVersion(body),
            r.dryRun(),
            current -> {
              ObjectNode status = current.with("status");
              if (conditions.isArray()) {
                status.set("conditions", conditions.deepCopy());
              } else {
                status.remove("conditions");
              }
              return current;
            })
        .thenApply(updated -> Reply.json(200, updated));
  }

  /** The patch applied to the stored object; of the result only status.conditions is kept. */
  private CompletableFuture<Reply> patch(ApiRequest r) {
    PatchType type = PatchType.of(r.contentType());
    if (type == PatchType.APPLY) {
      throw new ApiException(
          415,
          "UnsupportedMediaType",
          "server-side apply of certificatesigningrequests/approval is not supported: use a JSON"
              + " merge patch (--type=merge), a JSON patch (--type=json) or a strategic merge"
              + " patch");
    }
    if (r.body() == null || r.body().length() == 0) {
      throw ApiException.badRequest("the PATCH request needs a patch body");
    }
    byte[] body = r.body().getBytes();
    SchemaNode schema = schemas.forType(r.type());
    return storage
        .guaranteedUpdate(
            r.type(),
            null,
            r.info().name(),
            0,
            r.dryRun(),
            current -> {
              JsonNode conditions =
                  Patcher.apply(type, current, body, schema).path("status").path("conditions");
              ObjectNode status = current.with("status");
              if (conditions.isArray()) {
                status.set("conditions", conditions.deepCopy());
              } else {
                status.remove("conditions");
              }
              return current;
            })
        .thenApply(updated -> Reply.json(200, updated));
  }
}
