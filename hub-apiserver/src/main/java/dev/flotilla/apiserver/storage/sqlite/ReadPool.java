package dev.flotilla.apiserver.storage.sqlite;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A few read-only connections to the store's database. In WAL mode readers do not block the writer
 * or each other, so cache misses from several request threads are served side by side instead of
 * queueing on one connection.
 */
final class ReadPool implements AutoCloseable {
  /** Does one read on a borrowed connection. */
  @FunctionalInterface
  interface Read<T> {
    T run(Connection c) throws SQLException;
  }

  private final BlockingQueue<Connection> idle;
  private final List<Connection> all = new ArrayList<>();

  ReadPool(String url, int size) throws SQLException {
    idle = new ArrayBlockingQueue<>(size);
    for (int i = 0; i < size; i++) {
      Connection c = DriverManager.getConnection(url);
      SqliteSchema.tune(c);
      all.add(c);
      idle.add(c);
    }
  }

  <T> T read(Read<T> read) {
    Connection c;
    try {
      c = idle.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a store connection", e);
    }
    try {
      return read.run(c);
    } catch (SQLException e) {
      throw new IllegalStateException("reading the store failed: " + e.getMessage(), e);
    } finally {
      idle.add(c);
    }
  }

  @Override
  public void close() {
    for (Connection c : all) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // closing on shutdown; nothing to recover
      }
    }
  }
}
