package dev.flotilla.apiserver.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.objects.DeleteOptions;
import dev.flotilla.apiserver.objects.ListQuery;
import dev.flotilla.apiserver.objects.Meta;
import dev.flotilla.apiserver.objects.ResourceStorage;
import dev.flotilla.apiserver.storage.KeyValue;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** DELETE of a collection: every object the selectors match, each deleted as a single DELETE. */
final class DeleteCollectionHandler implements OperationHandler {
  private final ResourceStorage storage;

  DeleteCollectionHandler(ResourceStorage storage) {
    this.storage = storage;
  }

  @Override
  public CompletableFuture<Reply> handle(ApiRequest r) {
    if (r.type().namespaced() && r.info().namespace() == null) {
      // kube-apiserver serves only list and watch across all namespaces: `kubectl delete --all
      // -A` deletes namespace by namespace, and a stray DELETE must not empty the whole hub.
      throw ApiException.methodNotAllowed(
          "deletecollection of "
              + r.type().plural()
              + " needs a namespace: DELETE /…/namespaces/{namespace}/"
              + r.type().plural());
    }
    ListOptionChecks.list(r);
    DeleteOptions options = DeleteHandler.options(r);
    ListQuery.Page page = ListQuery.list(storage, r.type(), r.info().namespace(), r.listOptions());
    List<CompletableFuture<ObjectNode>> deletions = new ArrayList<>();
    for (KeyValue kv : page.items()) {
      ObjectNode obj = storage.toVersion(r.type(), kv.value());
      deletions.add(
          storage
              .delete(r.type(), Meta.namespace(obj), Meta.name(obj), options)
              .exceptionally(
                  t -> {
                    RuntimeException e = ResourceStorage.unwrap(t);
                    if (e instanceof ApiException && ((ApiException) e).code() == 404) {
                      return null; // deleted meanwhile: what the caller wanted
                    }
                    throw e;
                  }));
    }
    return CompletableFuture.allOf(deletions.toArray(CompletableFuture[]::new))
        .thenApply(
            v -> {
              ObjectNode list = JsonNodeFactory.instance.objectNode();
              list.put("kind", r.type().listKind());
              list.put("apiVersion", r.type().apiVersion());
              list.putObject("metadata").put("resourceVersion", Long.toString(page.revision()));
              ArrayNode items = list.putArray("items");
              deletions.forEach(
                  d -> {
                    if (d.join() != null) {
                      items.add(d.join());
                    }
                  });
              return Reply.json(200, list);
            });
  }
}
