package dev.flotilla.apiserver.storage.sqlite;

import dev.flotilla.apiserver.storage.EventLog;
import dev.flotilla.apiserver.storage.KeyValue;
import dev.flotilla.apiserver.storage.StoreEvent;
import dev.flotilla.apiserver.storage.ValueEncoder;
import dev.flotilla.apiserver.storage.WriteResult;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer: drains queued writes, checks each compare-and-swap against the current state,
 * commits the whole group in one synced SQLite transaction, then publishes the events and
 * acknowledges. One fsync per group is what makes durable writes fast.
 */
final class GroupCommitWriter {
  private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);
  private static final int MAX_GROUP = 1000;

  enum OpKind {
    CREATE,
    UPDATE,
    DELETE,
    COMPACT
  }

  /** One queued write; {@code expected} is the modRevision the key must still have. */
  record Op(String key, OpKind kind, long expected, ValueEncoder value) {}

  private record Pending(Op op, CompletableFuture<WriteResult> done) {}

  private final Connection connection;
  private final dev.flotilla.apiserver.storage.ValueTransformer transformer;
  private final Heads current;
  private final ValueCache values;
  private final EventLog events;
  private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile long revision;
  private volatile long compacted;
  private volatile boolean stopping;

  GroupCommitWriter(
      Connection connection,
      Heads current,
      ValueCache values,
      EventLog events,
      long revision,
      long compacted,
      dev.flotilla.apiserver.storage.ValueTransformer transformer) {
    this.connection = connection;
    this.transformer = transformer;
    this.current = current;
    this.values = values;
    this.events = events;
    this.revision = revision;
    this.compacted = compacted;
    this.thread = new Thread(this::run, "store-writer");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  long revision() {
    return revision;
  }

  long compacted() {
    return compacted;
  }

  CompletableFuture<WriteResult> submit(Op op) {
    CompletableFuture<WriteResult> done = new CompletableFuture<>();
    if (stopping) {
      done.completeExceptionally(new IllegalStateException("store is closed"));
    } else {
      queue.add(new Pending(op, done));
    }
    return done;
  }

  CompletableFuture<WriteResult> compact(long upTo) {
    return submit(new Op("", OpKind.COMPACT, upTo, null));
  }

  void stop() {
    stopping = true;
    thread.interrupt();
    try {
      thread.join(5000);
      connection.close();
    } catch (InterruptedException | SQLException ignored) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    List<Pending> group = new ArrayList<>();
    while (!stopping) {
      try {
        group.add(queue.take());
      } catch (InterruptedException e) {
        break;
      }
      queue.drainTo(group, MAX_GROUP - 1);
      commitGroup(group);
      group.clear();
    }
    for (Pending p; (p = queue.poll()) != null; ) {
      p.done.completeExceptionally(new IllegalStateException("store is closed"));
    }
  }

  private void commitGroup(List<Pending> group) {
    long rev = revision;
    Map<String, KeyValue> staged = new HashMap<>();
    Map<String, Boolean> touched = new HashMap<>();
    List<StoreEvent> committed = new ArrayList<>();
    List<WriteResult> results = new ArrayList<>();
    try {
      connection.setAutoCommit(false);
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO log (rev, key, create_rev, prev_rev, deleted, value) VALUES (?,?,?,?,?,?)")) {
        for (Pending p : group) {
          Op op = p.op;
          if (op.kind == OpKind.COMPACT) {
            compactTo(op.expected);
            results.add(new WriteResult(true, null));
            continue;
          }
          KeyValue existing =
              touched.containsKey(op.key) ? staged.get(op.key) : currentValue(op.key);
          StoreEvent event = apply(op, existing, rev + 1);
          if (event == null) {
            results.add(new WriteResult(false, existing));
            continue;
          }
          rev++;
          boolean deleted = event.type() == StoreEvent.Type.DELETE;
          insert.setLong(1, rev);
          insert.setString(2, op.key);
          insert.setLong(3, event.kv().createRevision());
          insert.setLong(4, existing == null ? 0 : existing.modRevision());
          insert.setInt(5, deleted ? 1 : 0);
          insert.setBytes(6, transformer.toStorage(op.key, event.kv().value()));
          insert.addBatch();
          touched.put(op.key, true);
          staged.put(op.key, deleted ? null : event.kv());
          committed.add(event);
          results.add(new WriteResult(true, event.kv()));
        }
        insert.executeBatch();
      }
      SqliteSchema.writeMeta(connection, "revision", rev);
      SqliteSchema.writeMeta(connection, "compacted", compacted);
      connection.commit();
    } catch (SQLException | RuntimeException e) {
      LOG.error("store commit failed; the group is rejected", e);
      rollback();
      for (Pending p : group) {
        p.done.completeExceptionally(
            new IllegalStateException("storage write failed: " + e.getMessage(), e));
      }
      return;
    }
    for (StoreEvent event : committed) {
      KeyValue kv = event.kv();
      if (event.type() == StoreEvent.Type.DELETE) {
        current.remove(kv.key());
      } else {
        // The value first: a reader that sees the new head finds its value without a query.
        values.put(kv.modRevision(), kv.value());
        current.put(kv.key(), new Head(kv.createRevision(), kv.modRevision()));
      }
      if (event.prevKv() != null) {
        values.forget(event.prevKv().modRevision());
      }
    }
    revision = rev;
    events.publish(committed);
    for (int i = 0; i < group.size(); i++) {
      group.get(i).done.complete(results.get(i));
    }
  }

  /** The key's committed value; the row of a current head is never compacted away. */
  private KeyValue currentValue(String key) {
    Head head = current.get(key);
    if (head == null) {
      return null;
    }
    byte[] value = values.get(head.modRevision());
    if (value == null) {
      throw new IllegalStateException("the stored row of " + key + " is missing");
    }
    return new KeyValue(key, value, head.createRevision(), head.modRevision());
  }

  /** The event a write produces at {@code rev}, or null when its precondition fails. */
  private static StoreEvent apply(Op op, KeyValue existing, long rev) {
    switch (op.kind) {
      case CREATE:
        if (existing != null) {
          return null;
        }
        return new StoreEvent(
            StoreEvent.Type.PUT, new KeyValue(op.key, op.value.encode(rev), rev, rev), null);
      case UPDATE:
        if (existing == null || existing.modRevision() != op.expected) {
          return null;
        }
        return new StoreEvent(
            StoreEvent.Type.PUT,
            new KeyValue(op.key, op.value.encode(rev), existing.createRevision(), rev),
            existing);
      case DELETE:
        if (existing == null || (op.expected != 0 && existing.modRevision() != op.expected)) {
          return null;
        }
        return new StoreEvent(
            StoreEvent.Type.DELETE,
            new KeyValue(
                op.key,
                op.value == null ? existing.value() : op.value.encode(rev),
                existing.createRevision(),
                rev),
            existing);
      default:
        throw new IllegalArgumentException("not a key write: " + op.kind);
    }
  }

  /** Drops superseded rows and tombstones at or below {@code upTo}; current values stay. */
  private void compactTo(long upTo) throws SQLException {
    if (upTo <= compacted) {
      return;
    }
    try (PreparedStatement st =
        connection.prepareStatement(
            "DELETE FROM log WHERE rev <= ? AND (deleted = 1 OR EXISTS (SELECT 1 FROM log n"
                + " WHERE n.key = log.key AND n.rev > log.rev AND n.rev <= ?))")) {
      st.setLong(1, upTo);
      st.setLong(2, upTo);
      st.executeUpdate();
    }
    compacted = upTo;
    events.compact(upTo);
  }

  private void rollback() {
    try {
      connection.rollback();
    } catch (SQLException ignored) {
      // the connection is unusable either way; the next group reports its own failure
    }
  }
}
