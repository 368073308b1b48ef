package dev.flotilla.apiserver.storage;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Revisioned key-value storage with etcd's semantics, the only thing the API server persists
 * through. Every write gets the next global revision; writes are single-key compare-and-swap on the
 * key's last modRevision (as kube-apiserver uses etcd); a returned future completes only once the
 * write is durable.
 */
public interface Store extends AutoCloseable {

  /** The newest revision written (0 for an empty store). */
  long currentRevision();

  /** Revisions at or below this one can no longer be read or watched from. */
  long compactedRevision();

  /** The key's current value. */
  Optional<KeyValue> get(String key);

  /**
   * Keys in [fromKey, toKey) in key order, at {@code revision} (0 = current).
   *
   * @throws CompactedException if the revision has been compacted
   */
  RangeResult range(String fromKey, String toKey, long revision, int limit);

  /** Counts the current keys in [fromKey, toKey). */
  long count(String fromKey, String toKey);

  /** Creates the key if it does not exist. */
  CompletableFuture<WriteResult> create(String key, ValueEncoder value);

  /** Replaces the key if its modRevision is still {@code expectedModRevision}. */
  CompletableFuture<WriteResult> update(String key, long expectedModRevision, ValueEncoder value);

  /**
   * Deletes the key if its modRevision is {@code expectedModRevision} (0 = any); the tombstone
   * encoder gives the last value watchers see, stamped with the delete revision.
   */
  CompletableFuture<WriteResult> delete(
      String key, long expectedModRevision, ValueEncoder tombstone);

  /**
   * Streams every change under {@code prefix} with a revision above {@code afterRevision}, first
   * the retained history, then live changes, in revision order. The listener runs on the store's
   * dispatch thread and must not block.
   *
   * @throws CompactedException if changes after {@code afterRevision} are no longer retained
   */
  Watch watch(String prefix, long afterRevision, Consumer<StoreEvent> listener);

  /**
   * As {@link #watch(String, long, Consumer)}; {@code gone} runs, once and on no particular thread,
   * if the store can no longer deliver every change to this watch (a store fed from outside lost
   * changes it cannot recover). The watch has then ended: list again and watch from the list's
   * revision. Stores that own their history never end a watch, as here.
   */
  default Watch watch(
      String prefix, long afterRevision, Consumer<StoreEvent> listener, Runnable gone) {
    return watch(prefix, afterRevision, listener);
  }

  /** Forgets history at or below {@code revision}; current values are kept. */
  void compact(long revision);

  /**
   * One round of a hub's periodic compaction, to {@code revision}. A store that several hubs share
   * lets only one of them compact per round (the others do nothing); a store of its own compacts.
   */
  default void compactRound(long revision) {
    compact(revision);
  }

  /** A running watch; cancel it to stop delivery. */
  interface Watch extends AutoCloseable {
    @Override
    void close();

    /**
     * A revision up to which every change under the watch's prefix has been handed to its listener,
     * though the store's later changes were elsewhere: what a bookmark may carry so a quiet
     * watcher's resourceVersion keeps up with the store's (0 when unknown).
     */
    default long progress() {
      return 0;
    }
  }

  /** Returns the smallest key greater than every key with the given prefix. */
  static String prefixEnd(String prefix) {
    return prefix + Character.MAX_VALUE;
  }

  @Override
  void close();
}
