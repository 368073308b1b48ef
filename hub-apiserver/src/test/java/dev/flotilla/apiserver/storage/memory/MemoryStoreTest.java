package dev.flotilla.apiserver.storage.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.apiserver.storage.CompactedException;
import dev.flotilla.apiserver.storage.KeyValue;
import dev.flotilla.apiserver.storage.RangeResult;
import dev.flotilla.apiserver.storage.Store;
import dev.flotilla.apiserver.storage.StoreEvent;
import dev.flotilla.apiserver.storage.WriteResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The in-memory store keeps the durable store's contract: revisions, CAS, history, watches. */
class MemoryStoreTest {
  private final MemoryStore store = new MemoryStore();

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private WriteResult create(String key, String value) {
    return store.create(key, rev -> bytes(value + "@" + rev)).join();
  }

  @Test
  void writesAreCompareAndSwapOnTheLastRevision() {
    WriteResult created = create("/a", "one");
    assertTrue(created.succeeded());
    assertEquals(1, created.kv().modRevision());
    assertArrayEquals(bytes("one@1"), created.kv().value());
    assertFalse(create("/a", "again").succeeded(), "a second create of a key fails");
    assertFalse(store.update("/a", 7, rev -> bytes("stale")).join().succeeded());
    WriteResult updated = store.update("/a", 1, rev -> bytes("two@" + rev)).join();
    assertTrue(updated.succeeded());
    assertEquals(1, updated.kv().createRevision());
    assertEquals(2, updated.kv().modRevision());
    assertFalse(store.delete("/a", 1, null).join().succeeded(), "delete checks the revision");
    assertTrue(store.delete("/a", 2, null).join().succeeded());
    assertTrue(store.get("/a").isEmpty());
    assertEquals(3, store.currentRevision());
  }

  @Test
  void aRangeAtAnOlderRevisionSeesTheStateOfThen() {
    create("/r/a", "a");
    create("/r/b", "b");
    long then = store.currentRevision();
    store.update("/r/a", 1, rev -> bytes("a2")).join();
    store.delete("/r/b", 0, null).join();
    create("/r/c", "c");
    create("/s/x", "elsewhere");

    RangeResult old = store.range("/r/", Store.prefixEnd("/r/"), then, 0);
    assertEquals(List.of("/r/a", "/r/b"), keys(old.items()));
    assertArrayEquals(bytes("a@1"), old.items().get(0).value());
    RangeResult now = store.range("/r/", Store.prefixEnd("/r/"), 0, 0);
    assertEquals(List.of("/r/a", "/r/c"), keys(now.items()));
    RangeResult page = store.range("/r/", Store.prefixEnd("/r/"), 0, 1);
    assertEquals(List.of("/r/a"), keys(page.items()));
    assertTrue(page.more());
  }

  @Test
  void compactedHistoryIsGone() {
    create("/k", "v");
    store.update("/k", 1, rev -> bytes("v2")).join();
    store.compact(2);
    assertThrows(CompactedException.class, () -> store.range("/", "/~", 1, 0));
    assertThrows(CompactedException.class, () -> store.watch("/", 1, e -> {}));
    assertEquals(1, store.range("/", "/~", 0, 0).items().size());
  }

  @Test
  void watchesReplayThenFollowInRevisionOrderUnderConcurrentWriters() throws Exception {
    create("/w/seed", "s");
    List<Long> seen = new CopyOnWriteArrayList<>();
    CountDownLatch all = new CountDownLatch(201);
    Store.Watch watch =
        store.watch(
            "/w/",
            0,
            (StoreEvent e) -> {
              seen.add(e.revision());
              all.countDown();
            });
    ExecutorService writers = Executors.newFixedThreadPool(4);
    for (int i = 0; i < 200; i++) {
      int n = i;
      writers.execute(() -> create("/w/" + n, "x"));
    }
    writers.shutdown();
    assertTrue(all.await(30, TimeUnit.SECONDS));
    watch.close();
    List<Long> sorted = new ArrayList<>(seen);
    sorted.sort(null);
    assertEquals(sorted, seen, "events arrive in revision order");
    assertEquals(201, seen.size());
  }

  private static List<String> keys(List<KeyValue> items) {
    return items.stream().map(KeyValue::key).toList();
  }
}
