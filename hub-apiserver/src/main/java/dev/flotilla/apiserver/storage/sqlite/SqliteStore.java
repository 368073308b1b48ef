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
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Consumer;

/**
 * The embedded, durable store (the k3s/kine model): an append-only revision log in SQLite, with the
 * current value of every key and a window of recent events kept in memory. Writes are committed in
 * groups by one writer thread and acknowledged after the commit is synced.
 */
public final class SqliteStore implements Store {
  static final int HISTORY_WINDOW = 50_000;

  private final Connection readConnection;
  private final NavigableMap<String, KeyValue> current = new ConcurrentSkipListMap<>();
  private final EventLog events;
  private final GroupCommitWriter writer;
  private final ValueTransformer transformer;

  private SqliteStore(
      Connection readConnection,
      Connection writeConnection,
      long revision,
      long compacted,
      ValueTransformer transformer) {
    this.readConnection = readConnection;
    this.transformer = transformer;
    this.events = new EventLog(HISTORY_WINDOW, revision);
    this.writer =
        new GroupCommitWriter(writeConnection, current, events, revision, compacted, transformer);
  }

  /** Opens (creating if needed) the store in {@code dir}/flotilla.db and loads its state. */
  public static SqliteStore open(Path dir) {
    return open(dir, ValueTransformer.IDENTITY);
  }

  /** As {@link #open(Path)}, with values transformed on disk (e.g. encrypted at rest). */
  public static SqliteStore open(Path dir, ValueTransformer transformer) {
    try {
      Files.createDirectories(dir);
      String url = "jdbc:sqlite:" + dir.resolve("flotilla.db").toAbsolutePath();
      Connection write = DriverManager.getConnection(url);
      SqliteSchema.prepare(write);
      Connection read = DriverManager.getConnection(url);
      SqliteSchema.tune(read);
      long revision = SqliteSchema.readMeta(write, "revision");
      long compacted = SqliteSchema.readMeta(write, "compacted");
      SqliteStore store = new SqliteStore(read, write, revision, compacted, transformer);
      store.load(revision, compacted);
      store.writer.start();
      return store;
    } catch (Exception e) {
      throw new IllegalStateException("cannot open the store in " + dir + ": " + e.getMessage(), e);
    }
  }

  private void load(long revision, long compacted) throws SQLException {
    try (PreparedStatement st =
        readConnection.prepareStatement(
            "SELECT key, value, create_rev, rev, deleted FROM log"
                + " WHERE rev IN (SELECT MAX(rev) FROM log GROUP BY key)")) {
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          if (rs.getInt(5) == 0) {
            KeyValue kv =
                new KeyValue(
                    rs.getString(1),
                    transformer.fromStorage(rs.getString(1), rs.getBytes(2)),
                    rs.getLong(3),
                    rs.getLong(4));
            current.put(kv.key(), kv);
          }
        }
      }
    }
    long floor = Math.max(compacted, revision - HISTORY_WINDOW);
    events.preload(floor, SqliteHistory.readSince(readConnection, floor, transformer));
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
    return Optional.ofNullable(current.get(key));
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
    synchronized (readConnection) {
      return SqliteHistory.rangeAt(readConnection, fromKey, toKey, revision, limit, transformer);
    }
  }

  private RangeResult rangeCurrent(String fromKey, String toKey, int limit) {
    // Read the revision first: every key seen is at least that new, which is what a list's
    // resourceVersion promises.
    long revision = writer.revision();
    List<KeyValue> items = new ArrayList<>();
    boolean more = false;
    for (Map.Entry<String, KeyValue> e : current.subMap(fromKey, true, toKey, false).entrySet()) {
      if (limit > 0 && items.size() == limit) {
        more = true;
        break;
      }
      items.add(e.getValue());
    }
    for (KeyValue kv : items) {
      revision = Math.max(revision, kv.modRevision());
    }
    return new RangeResult(items, revision, more);
  }

  @Override
  public long count(String fromKey, String toKey) {
    return current.subMap(fromKey, true, toKey, false).size();
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

  @Override
  public void close() {
    writer.stop();
    try {
      readConnection.close();
    } catch (SQLException ignored) {
      // closing on shutdown; nothing to recover
    }
  }
}
