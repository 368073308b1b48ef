package dev.flotilla.apiserver.http;

import java.util.concurrent.CompletableFuture;

/** Serves one API operation (get, list, create, ...); failures surface as ApiException. */
@FunctionalInterface
public interface OperationHandler {
  CompletableFuture<Reply> handle(ApiRequest request);
}
