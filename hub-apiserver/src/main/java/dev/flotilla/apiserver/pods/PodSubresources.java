package dev.flotilla.apiserver.pods;

import dev.flotilla.apiserver.http.OperationHandler;
import dev.flotilla.apiserver.objects.ResourceStorage;

/** Registers the pod subresources served here: eviction, binding and ephemeralcontainers. */
public final class PodSubresources {
  private PodSubresources() {}

  /** Hands each handler to {@code register} as (subresource, handler), for core/v1 pods. */
  public static void register(
      ResourceStorage storage, java.util.function.BiConsumer<String, OperationHandler> register) {
    if (storage.registry().find("", "v1", "pods").isEmpty()) {
      return;
    }
    PodObjects objects = new PodObjects(storage);
    register.accept("eviction", new EvictionHandler(objects));
    register.accept("binding", new BindingHandler(objects));
    register.accept("ephemeralcontainers", new EphemeralContainersHandler(objects));
  }
}
