package dev.flotilla.store.etcd;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.flotilla.apiserver.storage.ValueTransformer;
import io.etcd.jetcd.ByteSequence;
import java.nio.charset.StandardCharsets;

/**
 * Values as read at their revision, cached by that revision (unique per write in etcd, one key per
 * transaction), so a value written or read once is not stamped again for every get, list and watch
 * event that carries it.
 */
final class StampedValues {
  private final Cache<Long, byte[]> cache;
  private final Restamp restamp;
  private final ValueTransformer transformer;

  StampedValues(long maxBytes, Restamp restamp, ValueTransformer transformer) {
    this.restamp = restamp;
    this.transformer = transformer;
    this.cache =
        Caffeine.newBuilder()
            // Its upkeep (the write buffer, eviction) runs on the thread that writes the cache,
            // not as a task handed to the common pool after each write: one thread wake-up less
            // per create on a hub whose cores are shared.
            .executor(Runnable::run)
            .maximumWeight(maxBytes)
            .<Long, byte[]>weigher((rev, value) -> value.length + 48)
            .build();
  }

  /**
   * What a write of ours that stored {@code atZero} (before the transformer) reads as at its
   * revision, stamped once: the watch may have delivered the write's event before etcd's answer,
   * and then already stamped the stored value.
   */
  byte[] written(long revision, byte[] atZero) {
    return cache.get(revision, rev -> restamp.at(atZero, rev));
  }

  /** The value {@code stored} under {@code key} at {@code modRevision} reads as. */
  byte[] read(String key, long modRevision, ByteSequence stored) {
    return read(key, modRevision, stored.getBytes());
  }

  /** As {@link #read(String, long, ByteSequence)}, from etcd's bytes as they are. */
  byte[] read(String key, long modRevision, byte[] stored) {
    return cache.get(modRevision, rev -> restamp.at(transformer.fromStorage(key, stored), rev));
  }

  /** The bytes to send to etcd for a value encoded at revision 0. */
  ByteSequence toStorage(String key, byte[] value) {
    return ByteSequence.from(toStorageBytes(key, value));
  }

  /** As {@link #toStorage(String, byte[])}, for a request of etcd's own protobuf. */
  byte[] toStorageBytes(String key, byte[] value) {
    return transformer.toStorage(key, value);
  }

  /** {@code stored} stamped with a revision other than its own (a delete's), not cached. */
  byte[] stampOnly(String key, ByteSequence stored, long revision) {
    return restamp.at(transformer.fromStorage(key, stored.getBytes()), revision);
  }

  static String key(ByteSequence key) {
    return key.toString(StandardCharsets.UTF_8);
  }
}
