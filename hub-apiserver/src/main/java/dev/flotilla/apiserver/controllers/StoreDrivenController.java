package dev.flotilla.apiserver.controllers;

import dev.flotilla.apiserver.objects.ResourceStorage;
import dev.flotilla.apiserver.objects.StorageKeys;
import dev.flotilla.apiserver.registry.ResourceType;
import dev.flotilla.apiserver.storage.KeyValue;
import dev.flotilla.apiserver.storage.PrefixFollower;
import dev.flotilla.apiserver.storage.RangeResult;
import dev.flotilla.apiserver.storage.Store;
import dev.flotilla.apiserver.storage.StoreEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * A server-side controller fed straight from the store, as the hub's own controllers are (no
 * informer, no socket): it follows the objects of some types, turns each existing object and each
 * change into a queue key, and reconciles one key at a time on its {@link WorkQueue}.
 */
public abstract class StoreDrivenController implements AutoCloseable {
  protected final ResourceStorage storage;
  private final WorkQueue queue;
  private final List<Store.Watch> watches = new ArrayList<>();
  private boolean closed;

  /** Turns a followed object's key (below the type's list prefix) into a queue key, or null. */
  @FunctionalInterface
  protected interface KeyOf {
    /**
     * @param rest the storage key below the list prefix: {@code name}, or {@code namespace/name}
     *     when following a namespaced type in every namespace
     * @param event the change, or null for an object that existed when following began
     */
    String key(String rest, StoreEvent event);
  }

  protected StoreDrivenController(ResourceStorage storage, String name) {
    this.storage = storage;
    this.queue = new WorkQueue(name, this::reconcile);
  }

  /** Keys of objects that are created or changed (not deleted), and of those that exist now. */
  protected static final KeyOf PUTS =
      (rest, event) -> event == null || event.type() == StoreEvent.Type.PUT ? rest : null;

  /**
   * Follows objects of {@code type} in {@code namespace} (null: all, or cluster-scoped): changes
   * from now on and, when {@code existing}, every object stored now.
   */
  protected final void follow(ResourceType type, String namespace, boolean existing, KeyOf keyOf) {
    String prefix = StorageKeys.listPrefix(type, namespace);
    int slot;
    synchronized (watches) {
      slot = watches.size();
      watches.add(null);
    }
    watchFrom(prefix, existing, keyOf, slot);
  }

  private void watchFrom(String prefix, boolean existing, KeyOf keyOf, int slot) {
    // Watch from the listed revision: an object written in between is seen by one or the other.
    RangeResult now =
        existing
            ? storage.store().range(prefix, Store.prefixEnd(prefix), 0, 0)
            : new RangeResult(List.of(), storage.store().currentRevision(), false);
    Store.Watch watch =
        storage
            .store()
            .watch(
                prefix,
                now.revision(),
                (StoreEvent e) -> enqueue(keyOf.key(e.kv().key().substring(prefix.length()), e)),
                // A lost history (a compacted etcd) ends the watch: list again and reconcile every
                // object then stored, as an informer's relist does.
                PrefixFollower.relistLater(prefix, () -> watchFrom(prefix, true, keyOf, slot)));
    synchronized (watches) {
      if (closed) {
        watch.close();
        return;
      }
      watches.set(slot, watch);
    }
    for (KeyValue kv : now.items()) {
      enqueue(keyOf.key(kv.key().substring(prefix.length()), null));
    }
  }

  /** Queues {@code key} (nothing when null). */
  protected final void enqueue(String key) {
    if (key != null) {
      queue.add(key);
    }
  }

  /** Queues {@code key} again after {@code millis}. */
  protected final void enqueueAfter(String key, long millis) {
    queue.addAfter(key, millis);
  }

  /** Reconciles one key: a delay (ms) to look again, or a negative number when done. */
  protected abstract long reconcile(String key);

  @Override
  public void close() {
    synchronized (watches) {
      closed = true;
      watches.stream().filter(w -> w != null).forEach(Store.Watch::close);
    }
    queue.close();
  }
}
