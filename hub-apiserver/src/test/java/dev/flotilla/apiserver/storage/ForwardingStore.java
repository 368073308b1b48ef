package dev.flotilla.apiserver.storage;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** A store that passes every call to another, for tests that count or alter a few of them. */
public class ForwardingStore implements Store {
  protected final Store inner;

  public ForwardingStore(Store inner) {
    this.inner = inner;
  }

  @Override
  public long currentRevision() {
    return inner.currentRevision();
  }

  @Override
  public long compactedRevision() {
    return inner.compactedRevision();
  }

  @Override
  public Optional<KeyValue> get(String key) {
    return inner.get(key);
  }

  @Override
  public RangeResult range(String fromKey, String toKey, long revision, int limit) {
    return inner.range(fromKey, toKey, revision, limit);
  }

  @Override
  public long count(String fromKey, String toKey) {
    return inner.count(fromKey, toKey);
  }

  @Override
  public CompletableFuture<WriteResult> create(String key, ValueEncoder value) {
    return inner.create(key, value);
  }

  @Override
  public CompletableFuture<WriteResult> update(String key, long expected, ValueEncoder value) {
    return inner.update(key, expected, value);
  }

  @Override
  public CompletableFuture<WriteResult> delete(String key, long expected, ValueEncoder value) {
    return inner.delete(key, expected, value);
  }

  @Override
  public Watch watch(String prefix, long after, Consumer<StoreEvent> listener) {
    return inner.watch(prefix, after, listener);
  }

  @Override
  public Watch watch(String prefix, long after, Consumer<StoreEvent> listener, Runnable gone) {
    return inner.watch(prefix, after, listener, gone);
  }

  @Override
  public void compact(long revision) {
    inner.compact(revision);
  }

  @Override
  public void compactRound(long revision) {
    inner.compactRound(revision);
  }

  @Override
  public void close() {
    inner.close();
  }
}
