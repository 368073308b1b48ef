package dev.flotilla.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;

/**
 * The baseline: how many durable single-row commits per second SQLite does on this disk, with the
 * same settings as the hub's store (WAL, synchronous=FULL) and a comparable row.
 */
final class RawSqliteBaseline {
  private RawSqliteBaseline() {}

  static double durableInsertsPerSecond(Path dir, int rows) throws Exception {
    Files.createDirectories(dir);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("raw.db"))) {
      try (Statement st = c.createStatement()) {
        st.execute("PRAGMA journal_mode=WAL");
        st.execute("PRAGMA synchronous=FULL");
        st.execute("CREATE TABLE IF NOT EXISTS t (rev INTEGER PRIMARY KEY, key TEXT, value BLOB)");
      }
      byte[] value = new byte[600];
      c.setAutoCommit(false);
      long start = System.nanoTime();
      try (PreparedStatement insert =
          c.prepareStatement("INSERT INTO t (key, value) VALUES (?, ?)")) {
        for (int i = 0; i < rows; i++) {
          insert.setString(1, "/registry/core/configmaps/bench/raw-" + i);
          insert.setBytes(2, value);
          insert.executeUpdate();
          c.commit();
        }
      }
      return rows / ((System.nanoTime() - start) / 1e9);
    }
  }
}
