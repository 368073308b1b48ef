package dev.flotilla.apiserver.storage.sqlite;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.flotilla.apiserver.storage.ValueTransformer;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Stored values by revision, the bounded part of the store that lives on the heap. A revision's
 * value never changes, so an entry is never stale: a miss reads the row of that revision from
 * SQLite (its primary key). Weighed by encoded bytes, so the bound is what the heap pays.
 */
final class ValueCache {
  /** Rows read per query when a range misses many values. */
  private static final int BATCH = 500;

  private final Cache<Long, byte[]> cache;
  private final ReadPool reads;
  private final ValueTransformer transformer;

  ValueCache(long maxBytes, ReadPool reads, ValueTransformer transformer) {
    this.reads = reads;
    this.transformer = transformer;
    this.cache =
        Caffeine.newBuilder()
            .maximumWeight(maxBytes)
            // Entry overhead (node, boxed key) counted too, so many small values stay bounded.
            .weigher((Long rev, byte[] value) -> value.length + 80)
            .recordStats()
            .build();
  }

  /** The value written at {@code revision}, or null when compaction has removed that row. */
  byte[] get(long revision) {
    return cache.get(revision, this::load);
  }

  /** The values of many revisions; revisions whose rows are gone are absent from the map. */
  Map<Long, byte[]> getAll(Collection<Long> revisions) {
    return cache.getAll(revisions, this::loadAll);
  }

  /** A value just committed: readers will ask for it next. */
  void put(long revision, byte[] value) {
    cache.put(revision, value);
  }

  /** A superseded or deleted revision: current reads will not ask for it again. */
  void forget(long revision) {
    cache.invalidate(revision);
  }

  /** Bytes held, and hits and misses so far, for metrics and benchmarks. */
  long[] stats() {
    // Evictions run after writes, on Caffeine's own schedule: settle them so the figure is the
    // bound's, not a moment's overshoot.
    cache.cleanUp();
    var stats = cache.stats();
    long weight = cache.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
    return new long[] {weight, stats.hitCount(), stats.missCount()};
  }

  private byte[] load(long revision) {
    return reads.read(
        c -> {
          try (PreparedStatement st =
              c.prepareStatement("SELECT key, value FROM log WHERE rev = ?")) {
            st.setLong(1, revision);
            try (ResultSet rs = st.executeQuery()) {
              // Decrypted (when encrypted at rest) once, on the way into the cache.
              return rs.next() ? transformer.fromStorage(rs.getString(1), rs.getBytes(2)) : null;
            }
          }
        });
  }

  private Map<Long, byte[]> loadAll(java.util.Set<? extends Long> revisions) {
    List<Long> all = new ArrayList<>(revisions);
    Map<Long, byte[]> found = new HashMap<>();
    for (int from = 0; from < all.size(); from += BATCH) {
      List<Long> batch = all.subList(from, Math.min(all.size(), from + BATCH));
      String marks = "?,".repeat(batch.size());
      String sql =
          "SELECT rev, key, value FROM log WHERE rev IN ("
              + marks.substring(0, marks.length() - 1)
              + ")";
      reads.read(
          c -> {
            try (PreparedStatement st = c.prepareStatement(sql)) {
              for (int i = 0; i < batch.size(); i++) {
                st.setLong(i + 1, batch.get(i));
              }
              try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                  found.put(
                      rs.getLong(1), transformer.fromStorage(rs.getString(2), rs.getBytes(3)));
                }
              }
            }
            return null;
          });
    }
    return found;
  }
}
