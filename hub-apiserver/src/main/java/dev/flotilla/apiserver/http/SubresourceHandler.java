package dev.flotilla.apiserver.http;

import java.util.concurrent.CompletableFuture;

/**
 * Serves one subresource of a resource the server stores (e.g. {@code pods/log} in a simulated
 * member), after the request has been authenticated, authorized and checked like any other. It runs
 * on a worker, or on the event loop for a WebSocket upgrade, so it must not block.
 */
public interface SubresourceHandler {

  /** Answers a request for the subresource of the named object. */
  CompletableFuture<Reply> handle(ApiRequest request);
}
