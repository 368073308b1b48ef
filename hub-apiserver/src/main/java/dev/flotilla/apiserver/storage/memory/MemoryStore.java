package dev.flotilla.apiserver.storage.memory;

import dev.flotilla.apiserver.storage.CompactedException;
import dev.flotilla.apiserver.storage.EventLog;
import dev.flotilla.apiserver.storage.KeyValue;
import dev.flotilla.apiserver.storage.RangeResult;
import dev.flotilla.apiserver.storage.Store;
import dev.flotilla.apiserver.storage.StoreEvent;
import dev.flotilla.apiserver.storage.ValueEncoder;
import dev.flotilla.apiserver.storage.WriteResult;
import java.util.ArrayList;
import java.util.List;
import java.util.ListIterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Consumer;

/**
 * A store that keeps everything in memory and forgets it on close: the same revisions,
 * compare-and-swap and watch semantics as the durable store, without a disk, a writer thread or an
 * fsync. For simulated member clusters only, whose durability is not what a benchmark measures; a
 * hub always runs on durable storage.
 *
 * <p>A write is applied under one lock on the caller's thread (the order of revisions is the order
 * of the lock), and its event is published before the lock is released, so watchers see revision
 * order. Reads at a past revision are answered by undoing the retained events newer than it.
 */
public final class MemoryStore implements Store {
  /**
   * Events kept for watch resumption and paged lists: less than the durable store, to save heap.
   */
  static final int HISTORY_WINDOW = 10_000;

  private final NavigableMap<String, KeyValue> current = new ConcurrentSkipListMap<>();
  private final EventLog events = new EventLog(HISTORY_WINDOW, 0);
  private volatile long revision;
  private volatile long compacted;

  @Override
  public long currentRevision() {
    return revision;
  }

  @Override
  public long compactedRevision() {
    return compacted;
  }

  @Override
  public Optional<KeyValue> get(String key) {
    return Optional.ofNullable(current.get(key));
  }

  @Override
  public RangeResult range(String fromKey, String toKey, long atRevision, int limit) {
    long now = revision;
    if (atRevision == 0 || atRevision >= now) {
      return page(current.subMap(fromKey, true, toKey, false), now, limit);
    }
    if (atRevision <= compacted) {
      throw new CompactedException(atRevision, compacted);
    }
    // Copy the range as it is now, then undo every change made after the asked revision.
    NavigableMap<String, KeyValue> then =
        new TreeMap<>(current.subMap(fromKey, true, toKey, false));
    List<StoreEvent> newer = events.eventsAfter(atRevision);
    for (ListIterator<StoreEvent> it = newer.listIterator(newer.size()); it.hasPrevious(); ) {
      StoreEvent e = it.previous();
      String key = e.kv().key();
      if (key.compareTo(fromKey) < 0 || key.compareTo(toKey) >= 0) {
        continue;
      }
      if (e.prevKv() == null) {
        then.remove(key);
      } else {
        then.put(key, e.prevKv());
      }
    }
    return page(then, atRevision, limit);
  }

  private static RangeResult page(Map<String, KeyValue> keys, long atRevision, int limit) {
    List<KeyValue> items = new ArrayList<>();
    boolean more = false;
    long seen = atRevision;
    for (KeyValue kv : keys.values()) {
      if (limit > 0 && items.size() == limit) {
        more = true;
        break;
      }
      items.add(kv);
      seen = Math.max(seen, kv.modRevision());
    }
    return new RangeResult(items, seen, more);
  }

  @Override
  public long count(String fromKey, String toKey) {
    return current.subMap(fromKey, true, toKey, false).size();
  }

  @Override
  public CompletableFuture<WriteResult> create(String key, ValueEncoder value) {
    synchronized (this) {
      KeyValue existing = current.get(key);
      if (existing != null) {
        return failed(existing);
      }
      long rev = revision + 1;
      KeyValue kv = new KeyValue(key, value.encode(rev), rev, rev);
      return commit(new StoreEvent(StoreEvent.Type.PUT, kv, null));
    }
  }

  @Override
  public CompletableFuture<WriteResult> update(
      String key, long expectedModRevision, ValueEncoder value) {
    synchronized (this) {
      KeyValue existing = current.get(key);
      if (existing == null || existing.modRevision() != expectedModRevision) {
        return failed(existing);
      }
      long rev = revision + 1;
      KeyValue kv = new KeyValue(key, value.encode(rev), existing.createRevision(), rev);
      return commit(new StoreEvent(StoreEvent.Type.PUT, kv, existing));
    }
  }

  @Override
  public CompletableFuture<WriteResult> delete(
      String key, long expectedModRevision, ValueEncoder tombstone) {
    synchronized (this) {
      KeyValue existing = current.get(key);
      if (existing == null
          || (expectedModRevision != 0 && existing.modRevision() != expectedModRevision)) {
        return failed(existing);
      }
      long rev = revision + 1;
      byte[] last = tombstone == null ? existing.value() : tombstone.encode(rev);
      KeyValue kv = new KeyValue(key, last, existing.createRevision(), rev);
      return commit(new StoreEvent(StoreEvent.Type.DELETE, kv, existing));
    }
  }

  /** Under the lock: applies the change and publishes its event, in revision order. */
  private CompletableFuture<WriteResult> commit(StoreEvent event) {
    if (event.type() == StoreEvent.Type.DELETE) {
      current.remove(event.kv().key());
    } else {
      current.put(event.kv().key(), event.kv());
    }
    revision = event.revision();
    events.publish(List.of(event));
    return CompletableFuture.completedFuture(new WriteResult(true, event.kv()));
  }

  private static CompletableFuture<WriteResult> failed(KeyValue current) {
    return CompletableFuture.completedFuture(new WriteResult(false, current));
  }

  @Override
  public Watch watch(String prefix, long afterRevision, Consumer<StoreEvent> listener) {
    return events.subscribe(prefix, afterRevision, listener);
  }

  @Override
  public synchronized void compact(long upTo) {
    long target = Math.min(upTo, revision);
    if (target > compacted) {
      compacted = target;
      events.compact(target);
    }
  }

  @Override
  public void close() {
    current.clear();
  }
}
