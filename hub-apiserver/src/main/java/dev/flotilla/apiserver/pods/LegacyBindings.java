package dev.flotilla.apiserver.pods;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.http.ApiRequest;
import dev.flotilla.apiserver.http.Reply;
import dev.flotilla.apiserver.http.VirtualResource;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.objects.Meta;
import dev.flotilla.apiserver.validation.FieldValidation;
import dev.flotilla.apiserver.validation.WriteContext;
import java.util.concurrent.CompletableFuture;

/**
 * POST {@code /api/v1/namespaces/<ns>/bindings}: the legacy form of {@code pods/<name>/binding}
 * (fabric8's {@code bindings()} posts here), binding the pod the Binding names exactly as the
 * subresource does. Nothing is stored as a Binding object, as upstream's LegacyBindingREST.
 */
final class LegacyBindings implements VirtualResource {
  private final BindingHandler binding;

  LegacyBindings(BindingHandler binding) {
    this.binding = binding;
  }

  @Override
  public boolean serves(String version) {
    return version.equals("v1");
  }

  @Override
  public Reply create(ApiRequest request) {
    return createAsync(request).join(); // the router calls createAsync
  }

  @Override
  public CompletableFuture<Reply> createAsync(ApiRequest request) {
    ObjectNode body = request.bodyObject();
    String ns = request.info().namespace();
    String name = Meta.name(body);
    if (name == null || name.isEmpty()) {
      throw ApiException.badRequest(
          "a Binding posted to the bindings collection needs metadata.name: the name of the pod"
              + " to bind");
    }
    String bodyNs = Meta.namespace(body);
    if (bodyNs != null && !bodyNs.isEmpty() && !bodyNs.equals(ns)) {
      throw ApiException.badRequest(
          "the namespace of the provided object ("
              + bodyNs
              + ") does not match the namespace sent on the request ("
              + ns
              + ")");
    }
    return new WriteContext("create", FieldValidation.IGNORE, request.user())
        .call(() -> binding.bind(request, ns, name, body));
  }
}
