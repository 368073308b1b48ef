package dev.flotilla.apiserver.pods;

import dev.flotilla.apiserver.http.OperationHandler;
import dev.flotilla.apiserver.objects.ResourceStorage;

/**
 * Registers the pod subresources served here (eviction, binding and ephemeralcontainers) and the
 * legacy bindings collection.
 */
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

  /** The legacy {@code bindings} collection of core/v1, where pods are served. */
  public static java.util.Optional<dev.flotilla.apiserver.http.VirtualResource> legacyBindings(
      ResourceStorage storage) {
    if (storage.registry().find("", "v1", "pods").isEmpty()) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(new LegacyBindings(new BindingHandler(new PodObjects(storage))));
  }
}
