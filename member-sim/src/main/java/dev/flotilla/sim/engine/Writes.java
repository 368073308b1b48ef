package dev.flotilla.sim.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.objects.DeleteOptions;
import dev.flotilla.apiserver.objects.ResourceStorage;
import dev.flotilla.apiserver.registry.ResourceType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The simulator's writes through {@link ResourceStorage}, so admission, generation and status rules
 * apply as they do to API requests. Each call returns a future; {@link #await} joins a batch so one
 * reconcile can issue its writes in parallel.
 */
public final class Writes {
  private final ResourceStorage storage;

  public Writes(ResourceStorage storage) {
    this.storage = storage;
  }

  public ResourceStorage storage() {
    return storage;
  }

  public CompletableFuture<ObjectNode> create(ResourceType type, String namespace, ObjectNode obj) {
    return call(() -> storage.create(type, namespace, obj, false));
  }

  /** Changes the object (not its status) through {@code mutate}, retrying on conflicts. */
  public CompletableFuture<ObjectNode> patch(
      ResourceType type, String namespace, String name, UnaryOperator<ObjectNode> mutate) {
    return call(() -> storage.patch(type, namespace, name, mutate, false, false));
  }

  /** Changes only the status through {@code mutate}, retrying on conflicts. */
  public CompletableFuture<ObjectNode> patchStatus(
      ResourceType type, String namespace, String name, UnaryOperator<ObjectNode> mutate) {
    return call(() -> storage.patch(type, namespace, name, mutate, true, false));
  }

  /**
   * Rewrites the whole object, spec and status together, through {@code mutate} (as the scheduler's
   * binding and kubelet's first status report land together here).
   */
  public CompletableFuture<ObjectNode> replace(
      ResourceType type, String namespace, String name, UnaryOperator<ObjectNode> mutate) {
    return call(() -> storage.guaranteedUpdate(type, namespace, name, 0, false, mutate));
  }

  /** Deletes the object; an object already gone counts as deleted. */
  public CompletableFuture<ObjectNode> delete(ResourceType type, String namespace, String name) {
    return call(() -> storage.delete(type, namespace, name, DeleteOptions.DEFAULT))
        .exceptionally(
            t -> {
              RuntimeException e = ResourceStorage.unwrap(t);
              if (isCode(e, 404)) {
                return null;
              }
              throw e;
            });
  }

  /** Waits for every write, then rethrows the first failure. */
  public static void await(List<CompletableFuture<ObjectNode>> writes) {
    RuntimeException first = null;
    for (CompletableFuture<ObjectNode> w : writes) {
      try {
        w.join();
      } catch (RuntimeException e) {
        if (first == null) {
          first = ResourceStorage.unwrap(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  public static void await(CompletableFuture<ObjectNode> write) {
    await(List.of(write));
  }

  /** A mutable list to gather one reconcile's writes. */
  public static List<CompletableFuture<ObjectNode>> batch() {
    return new ArrayList<>();
  }

  public static boolean isCode(Throwable t, int code) {
    Throwable e = ResourceStorage.unwrap(t);
    return e instanceof ApiException && ((ApiException) e).code() == code;
  }

  /** Storage calls may throw before returning a future; both end up in the future. */
  private static CompletableFuture<ObjectNode> call(Supplier<CompletableFuture<ObjectNode>> op) {
    try {
      return op.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
