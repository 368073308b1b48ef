package dev.flotilla.apiserver.storage.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** The store's tables and connection settings. */
final class SqliteSchema {
  private SqliteSchema() {}

  /**
   * One row per write. A delete is a tombstone row carrying the deleted value, so history can
   * replay DELETED events with the last state of the object.
   */
  static void prepare(Connection c) throws SQLException {
    tune(c);
    try (Statement st = c.createStatement()) {
      st.execute(
          "CREATE TABLE IF NOT EXISTS log (rev INTEGER PRIMARY KEY, key TEXT NOT NULL,"
              + " create_rev INTEGER NOT NULL, prev_rev INTEGER NOT NULL, deleted INTEGER NOT NULL,"
              + " value BLOB NOT NULL)");
      st.execute("CREATE INDEX IF NOT EXISTS log_key_rev ON log(key, rev)");
      st.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL)");
      st.execute("INSERT OR IGNORE INTO meta VALUES ('revision', 0), ('compacted', 0)");
    }
  }

  /** WAL with full sync: a commit returns only after the log is on disk. */
  static void tune(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("PRAGMA journal_mode=WAL");
      st.execute("PRAGMA synchronous=FULL");
      st.execute("PRAGMA busy_timeout=10000");
    }
  }

  static long readMeta(Connection c, String name) throws SQLException {
    try (PreparedStatement st = c.prepareStatement("SELECT value FROM meta WHERE name = ?")) {
      st.setString(1, name);
      try (ResultSet rs = st.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }

  static void writeMeta(Connection c, String name, long value) throws SQLException {
    try (PreparedStatement st = c.prepareStatement("UPDATE meta SET value = ? WHERE name = ?")) {
      st.setLong(1, value);
      st.setString(2, name);
      st.executeUpdate();
    }
  }
}
