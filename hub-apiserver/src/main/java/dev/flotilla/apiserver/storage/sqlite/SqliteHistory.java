package dev.flotilla.apiserver.storage.sqlite;

import dev.flotilla.apiserver.storage.KeyValue;
import dev.flotilla.apiserver.storage.RangeResult;
import dev.flotilla.apiserver.storage.StoreEvent;
import dev.flotilla.apiserver.storage.ValueTransformer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Reads of past revisions: ranges pinned to a revision, and events since a revision. */
final class SqliteHistory {
  private SqliteHistory() {}

  static RangeResult rangeAt(
      Connection c, String from, String to, long revision, int limit, ValueTransformer t) {
    String sql =
        "SELECT l.key, l.value, l.create_rev, l.rev FROM log l"
            + " WHERE l.key >= ? AND l.key < ? AND l.deleted = 0"
            + " AND l.rev = (SELECT MAX(rev) FROM log m WHERE m.key = l.key AND m.rev <= ?)"
            + " ORDER BY l.key LIMIT ?";
    try (PreparedStatement st = c.prepareStatement(sql)) {
      st.setString(1, from);
      st.setString(2, to);
      st.setLong(3, revision);
      st.setInt(4, limit > 0 ? limit + 1 : Integer.MAX_VALUE);
      List<KeyValue> items = new ArrayList<>();
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          String key = rs.getString(1);
          items.add(
              new KeyValue(key, t.fromStorage(key, rs.getBytes(2)), rs.getLong(3), rs.getLong(4)));
        }
      }
      boolean more = limit > 0 && items.size() > limit;
      return new RangeResult(more ? items.subList(0, limit) : items, revision, more);
    } catch (SQLException e) {
      throw new IllegalStateException("reading history failed: " + e.getMessage(), e);
    }
  }

  /** The newest retained events, oldest first, and the revision below which none are kept. */
  record Recent(long floor, List<StoreEvent> events) {}

  /**
   * Events with revisions above {@code floor}, each with its previous value, newest first until
   * their values reach {@code maxBytes}: at startup the window is refilled without reading more of
   * the history than it can hold.
   */
  static Recent recent(Connection c, long floor, long maxBytes, ValueTransformer t)
      throws SQLException {
    String sql =
        "SELECT l.key, l.value, l.create_rev, l.rev, l.deleted, p.value, p.create_rev,"
            + " p.rev, p.deleted FROM log l LEFT JOIN log p ON p.rev = l.prev_rev"
            + " WHERE l.rev > ? AND l.rev < ? ORDER BY l.rev DESC LIMIT 1000";
    List<StoreEvent> newestFirst = new ArrayList<>();
    long bytes = 0;
    long below = Long.MAX_VALUE;
    while (true) {
      int read = 0;
      try (PreparedStatement st = c.prepareStatement(sql)) {
        st.setLong(1, floor);
        st.setLong(2, below);
        try (ResultSet rs = st.executeQuery()) {
          while (rs.next()) {
            read++;
            byte[] value = rs.getBytes(2);
            if (bytes + value.length > maxBytes && !newestFirst.isEmpty()) {
              java.util.Collections.reverse(newestFirst);
              return new Recent(newestFirst.get(0).revision() - 1, newestFirst);
            }
            bytes += value.length;
            String key = rs.getString(1);
            KeyValue kv =
                new KeyValue(key, t.fromStorage(key, value), rs.getLong(3), rs.getLong(4));
            KeyValue prev = null;
            if (rs.getBytes(6) != null && rs.getInt(9) == 0) {
              prev =
                  new KeyValue(
                      key, t.fromStorage(key, rs.getBytes(6)), rs.getLong(7), rs.getLong(8));
            }
            boolean deleted = rs.getInt(5) == 1;
            newestFirst.add(
                new StoreEvent(deleted ? StoreEvent.Type.DELETE : StoreEvent.Type.PUT, kv, prev));
            below = kv.modRevision();
          }
        }
      }
      if (read < 1000) {
        java.util.Collections.reverse(newestFirst);
        return new Recent(floor, newestFirst);
      }
    }
  }
}
