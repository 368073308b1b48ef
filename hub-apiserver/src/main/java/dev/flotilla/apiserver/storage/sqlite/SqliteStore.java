package dev.flotilla.apiserver.storage.sqlite;

import dev.flotilla.apiserver.storage.CompactedException;
import dev.flotilla.apiserver.storage.EventLog;
import dev.flotilla.apiserver.storage.KeyValue;
import dev.flotilla.apiserver.storage.RangeResult;
import dev.flotilla.apiserver.storage.Store;
import dev.flotilla.apiserver.storage.StoreEvent;
import dev.flotilla.apiserver.storage.ValueEncoder;
import dev.flotilla.apiserver.storage.ValueTransformer;
import dev.flotilla.apiserver.storage.WriteResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The embedded, durable store (the k3s/kine model): an append-only revision log in SQLite. In
 * memory it keeps the revisions of every current key, a bounded cache of values and a bounded
 * window of recent events; every value is on disk and read back on a cache miss. Writes are
 * committed in groups by one writer thread and acknowledged after the commit is synced.
 */
public final class SqliteStore implements Store {
  /** How much of the store lives on the heap; the defaults read system properties. */
  public record Limits(long cacheBytes, int windowEvents, long windowBytes) {
    /**
     * {@code flotilla.store.cacheMiB} (16), {@code flotilla.store.windowEvents} (50,000) and {@code
     * flotilla.store.windowMiB} (16).
     */
    public static Limits fromSystemProperties() {
      return new Limits(
          Long.getLong("flotilla.store.cacheMiB", 16) << 20,
          Integer.getInteger("flotilla.store.windowEvents", 50_000),
          Long.getLong("flotilla.store.windowMiB", 16) << 20);
    }
  }

  private static final int READ_CONNECTIONS = 3;

  private final ReadPool reads;
  private final Heads current = new Heads();
  private final ValueCache values;
  private final EventLog events;
  private final GroupCommitWriter writer;
  private final Limits limits;
  private final ValueTransformer transformer;

  private SqliteStore(
      ReadPool reads,
      Connection writeConnection,
      long revision,
      long compacted,
      Limits limits,
      ValueTransformer transformer) {
    this.reads = reads;
    this.limits = limits;
    this.transformer = transformer;
    this.values = new ValueCache(limits.cacheBytes(), reads, transformer);
    this.events = new EventLog(limits.windowEvents(), limits.windowBytes(), revision);
    this.writer =
        new GroupCommitWriter(
            writeConnection, current, values, events, revision, compacted, transformer);
  }

  /** Opens (creating if needed) the store in {@code dir}/flotilla.db and loads its state. */
  public static SqliteStore open(Path dir) {
    return open(dir, Limits.fromSystemProperties(), ValueTransformer.IDENTITY);
  }

  /** As {@link #open(Path)}, with values transformed on disk (e.g. encrypted at rest). */
  public static SqliteStore open(Path dir, ValueTransformer transformer) {
    return open(dir, Limits.fromSystemProperties(), transformer);
  }

  /** As {@link #open(Path)}, with the given bounds on what stays in memory. */
  public static SqliteStore open(Path dir, Limits limits) {
    return open(dir, limits, ValueTransformer.IDENTITY);
  }

  /** As {@link #open(Path, Limits)}, with values transformed on disk. */
  public static SqliteStore open(Path dir, Limits limits, ValueTransformer transformer) {
    try {
      Files.createDirectories(dir);
      String url = "jdbc:sqlite:" + dir.resolve("flotilla.db").toAbsolutePath();
      Connection write = DriverManager.getConnection(url);
      SqliteSchema.prepare(write);
      ReadPool reads = new ReadPool(url, READ_CONNECTIONS);
      long revision = SqliteSchema.readMeta(write, "revision");
      long compacted = SqliteSchema.readMeta(write, "compacted");
      SqliteStore store = new SqliteStore(reads, write, revision, compacted, limits, transformer);
      store.load(revision, compacted);
      store.writer.start();
      return store;
    } catch (Exception e) {
      throw new IllegalStateException("cannot open the store in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Reads the revisions of every current key (not their values) and the recent history. */
  private void load(long revision, long compacted) {
    reads.read(
        c -> {
          try (PreparedStatement st =
              c.prepareStatement(
                  "SELECT key, create_rev, rev, deleted FROM log"
                      + " WHERE rev IN (SELECT MAX(rev) FROM log GROUP BY key)")) {
            try (ResultSet rs = st.executeQuery()) {
              while (rs.next()) {
                if (rs.getInt(4) == 0) {
                  current.put(rs.getString(1), new Head(rs.getLong(2), rs.getLong(3)));
                }
              }
            }
          }
          return null;
        });
    long floor = Math.max(compacted, revision - limits.windowEvents());
    SqliteHistory.Recent recent =
        reads.read(c -> SqliteHistory.recent(c, floor, limits.windowBytes(), transformer));
    events.preload(recent.floor(), recent.events());
  }

  @Override
  public long currentRevision() {
    return writer.revision();
  }

  @Override
  public long compactedRevision() {
    return writer.compacted();
  }

  @Override
  public Optional<KeyValue> get(String key) {
    while (true) {
      Head head = current.get(key);
      if (head == null) {
        return Optional.empty();
      }
      byte[] value = values.get(head.modRevision());
      if (value != null) {
        return Optional.of(new KeyValue(key, value, head.createRevision(), head.modRevision()));
      }
      // Superseded and compacted between the two reads: the key has a newer head now.
      Head now = current.get(key);
      if (now != null && now.modRevision() == head.modRevision()) {
        throw new IllegalStateException("the stored row of " + key + " is missing");
      }
    }
  }

  @Override
  public RangeResult range(String fromKey, String toKey, long revision, int limit) {
    long now = writer.revision();
    if (revision == 0 || revision >= now) {
      return rangeCurrent(fromKey, toKey, limit);
    }
    if (revision <= writer.compacted()) {
      throw new CompactedException(revision, writer.compacted());
    }
    return reads.read(c -> SqliteHistory.rangeAt(c, fromKey, toKey, revision, limit, transformer));
  }

  private RangeResult rangeCurrent(String fromKey, String toKey, int limit) {
    // Read the revision first: every key seen is at least that new, which is what a list's
    // resourceVersion promises.
    long revision = writer.revision();
    List<Map.Entry<String, Head>> heads = new ArrayList<>();
    boolean more = false;
    for (Map.Entry<String, Head> e : current.range(fromKey, toKey).entrySet()) {
      if (limit > 0 && heads.size() == limit) {
        more = true;
        break;
      }
      heads.add(Map.entry(e.getKey(), e.getValue()));
    }
    List<Long> revisions = new ArrayList<>(heads.size());
    for (Map.Entry<String, Head> e : heads) {
      revisions.add(e.getValue().modRevision());
    }
    Map<Long, byte[]> found = values.getAll(revisions);
    List<KeyValue> items = new ArrayList<>(heads.size());
    for (Map.Entry<String, Head> e : heads) {
      Head head = e.getValue();
      byte[] value = found.get(head.modRevision());
      if (value != null) {
        items.add(new KeyValue(e.getKey(), value, head.createRevision(), head.modRevision()));
      } else {
        // Rewritten (or deleted) and compacted since the heads were read: take its value now.
        get(e.getKey()).ifPresent(items::add);
      }
    }
    for (KeyValue kv : items) {
      revision = Math.max(revision, kv.modRevision());
    }
    return new RangeResult(items, revision, more);
  }

  @Override
  public long count(String fromKey, String toKey) {
    return current.range(fromKey, toKey).size();
  }

  @Override
  public CompletableFuture<WriteResult> create(String key, ValueEncoder value) {
    return writer.submit(new GroupCommitWriter.Op(key, GroupCommitWriter.OpKind.CREATE, 0, value));
  }

  @Override
  public CompletableFuture<WriteResult> update(String key, long expected, ValueEncoder value) {
    return writer.submit(
        new GroupCommitWriter.Op(key, GroupCommitWriter.OpKind.UPDATE, expected, value));
  }

  @Override
  public CompletableFuture<WriteResult> delete(String key, long expected, ValueEncoder tombstone) {
    return writer.submit(
        new GroupCommitWriter.Op(key, GroupCommitWriter.OpKind.DELETE, expected, tombstone));
  }

  @Override
  public Watch watch(String prefix, long afterRevision, Consumer<StoreEvent> listener) {
    return events.subscribe(prefix, afterRevision, listener);
  }

  @Override
  public void compact(long revision) {
    writer.compact(Math.min(revision, writer.revision())).join();
  }

  /** How many watch subscriptions are live, for metrics. */
  public int watcherCount() {
    return events.subscriberCount();
  }

  /**
   * What the store holds on the heap: cached value bytes, cache hits, cache misses, keys, window
   * events and window value bytes.
   */
  public long[] heapFigures() {
    long[] cache = values.stats();
    long[] window = events.size();
    return new long[] {cache[0], cache[1], cache[2], current.size(), window[0], window[1]};
  }

  @Override
  public void close() {
    writer.stop();
    reads.close();
  }
}
