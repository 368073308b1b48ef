package dev.flotilla.apiserver.storage.sqlite;

import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The head of every current key, in key order for ranges and by hash for point reads. Every write
 * and most reads look up one key (the writer's compare, a get before an update), and in the skip
 * list each lookup compared long keys that share their prefixes down a dozen levels: a quarter of
 * the writer thread's Java samples (JFR) in a burst of Works. Only the store's writer (and its load
 * at start) changes them; a point read may see a new head a moment before a range does, both after
 * commit.
 */
final class Heads {
  private final NavigableMap<String, Head> ordered = new ConcurrentSkipListMap<>();
  private final Map<String, Head> byKey = new ConcurrentHashMap<>();

  Head get(String key) {
    return byKey.get(key);
  }

  void put(String key, Head head) {
    byKey.put(key, head);
    ordered.put(key, head);
  }

  void remove(String key) {
    ordered.remove(key);
    byKey.remove(key);
  }

  /** The heads of keys in [{@code fromKey}, {@code toKey}), in key order; a live view. */
  NavigableMap<String, Head> range(String fromKey, String toKey) {
    return ordered.subMap(fromKey, true, toKey, false);
  }

  int size() {
    return byKey.size();
  }
}
