package dev.flotilla.apiserver.http;

/**
 * A create-only resource that stores nothing and answers from memory (the access and token
 * reviews): it is authorized like any resource request, then {@link #create} turns the posted
 * object into the reply. It must not block: it runs where the request is routed.
 */
public interface VirtualResource {

  /** Whether {@code version} of the resource is served (e.g. v1 and v1beta1). */
  boolean serves(String version);

  /** Answers a POST to the resource's collection. */
  Reply create(ApiRequest request);

  /**
   * What the router calls: {@link #create}'s answer by default. A resource that writes to storage
   * overrides it, so the write completes without holding a thread.
   */
  default java.util.concurrent.CompletableFuture<Reply> createAsync(ApiRequest request) {
    return java.util.concurrent.CompletableFuture.completedFuture(create(request));
  }
}
