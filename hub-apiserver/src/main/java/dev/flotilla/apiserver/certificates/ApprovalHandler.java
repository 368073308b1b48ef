package dev.flotilla.apiserver.certificates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.http.ApiRequest;
import dev.flotilla.apiserver.http.OperationHandler;
import dev.flotilla.apiserver.http.Reply;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.objects.Meta;
import dev.flotilla.apiserver.objects.ResourceStorage;
import java.util.concurrent.CompletableFuture;

/**
 * The {@code approval} subresource of CertificateSigningRequests, as upstream's approval strategy:
 * a PUT (what {@code kubectl certificate approve|deny} sends) replaces {@code status.conditions}
 * and nothing else; who may approve for the signer is checked by {@link CsrAdmission}.
 */
final class ApprovalHandler implements OperationHandler {
  private final ResourceStorage storage;

  ApprovalHandler(ResourceStorage storage) {
    this.storage = storage;
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
      default:
        throw ApiException.methodNotAllowed(
            r.method()
                + " of certificatesigningrequests/approval is not supported: PUT the object with"
                + " its status.conditions (kubectl certificate approve|deny)");
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
}
