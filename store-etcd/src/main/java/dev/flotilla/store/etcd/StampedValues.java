package dev.flotilla.store.etcd;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
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

  StampedValues(long maxBytes, Restamp restamp) {
    this.restamp = restamp;
    this.cache =
        Caffeine.newBuilder()
            .maximumWeight(maxBytes)
            .<Long, byte[]>weigher((rev, value) -> value.length + 48)
            .build();
  }

  /** Remembers what a write of ours reads as at its revision. */
  void put(long revision, byte[] value) {
    cache.put(revision, value);
  }

  /** The value {@code stored} at {@code modRevision} reads as. */
  byte[] read(long modRevision, ByteSequence stored) {
    return cache.get(modRevision, rev -> restamp.at(stored.getBytes(), rev));
  }

  /** {@code stored} stamped with a revision other than its own (a delete's), not cached. */
  byte[] stampOnly(ByteSequence stored, long revision) {
    return restamp.at(stored.getBytes(), revision);
  }

  static String key(ByteSequence key) {
    return key.toString(StandardCharsets.UTF_8);
  }
}
