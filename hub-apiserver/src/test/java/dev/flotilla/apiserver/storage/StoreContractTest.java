package dev.flotilla.apiserver.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link Store} contract every driver keeps (revisions, compare-and-swap, history, watches):
 * one subclass per driver supplies the store.
 */
public abstract class StoreContractTest {
  protected Store store;

  /**
   * The store's revision when the test began: 0 for a new embedded store, the cluster's revision
   * for a shared one (etcd counts every key it holds), so revisions are asserted relative to it.
   */
  protected long base;

  /** A new, empty store of the driver under test. */
  protected abstract Store newStore() throws Exception;

  @BeforeEach
  void open() throws Exception {
    store = newStore();
    base = store.currentRevision();
  }

  @AfterEach
  void close() {
    store.close();
  }

  protected static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  protected WriteResult create(String key, String value) {
    return store.create(key, rev -> bytes(value + "@" + rev)).join();
  }

  @Test
  void writesAreCompareAndSwapOnTheLastRevision() {
    WriteResult created = create("/a", "one");
    assertTrue(created.succeeded());
    assertEquals(base + 1, created.kv().modRevision());
    assertArrayEquals(bytes("one@" + (base + 1)), created.kv().value());
    assertFalse(create("/a", "again").succeeded(), "a second create of a key fails");
    assertFalse(store.update("/a", base + 7, rev -> bytes("stale")).join().succeeded());
    WriteResult updated = store.update("/a", base + 1, rev -> bytes("two@" + rev)).join();
    assertTrue(updated.succeeded());
    assertEquals(base + 1, updated.kv().createRevision());
    assertEquals(base + 2, updated.kv().modRevision());
    assertFalse(store.delete("/a", base + 1, null).join().succeeded(), "delete checks the rev");
    assertTrue(store.delete("/a", base + 2, null).join().succeeded());
    assertTrue(store.get("/a").isEmpty());
    assertEquals(base + 3, store.currentRevision());
  }

  @Test
  void aRangeAtAnOlderRevisionSeesTheStateOfThen() {
    create("/r/a", "a");
    create("/r/b", "b");
    long then = store.currentRevision();
    store.update("/r/a", base + 1, rev -> bytes("a2")).join();
    store.delete("/r/b", 0, null).join();
    create("/r/c", "c");
    create("/s/x", "elsewhere");

    RangeResult old = store.range("/r/", Store.prefixEnd("/r/"), then, 0);
    assertEquals(List.of("/r/a", "/r/b"), keys(old.items()));
    assertArrayEquals(bytes("a@" + (base + 1)), old.items().get(0).value());
    RangeResult now = store.range("/r/", Store.prefixEnd("/r/"), 0, 0);
    assertEquals(List.of("/r/a", "/r/c"), keys(now.items()));
    RangeResult page = store.range("/r/", Store.prefixEnd("/r/"), 0, 1);
    assertEquals(List.of("/r/a"), keys(page.items()));
    assertTrue(page.more());
  }

  @Test
  void compactedHistoryIsGone() {
    create("/k", "v");
    store.update("/k", base + 1, rev -> bytes("v2")).join();
    store.compact(base + 2);
    assertThrows(CompactedException.class, () -> store.range("/", "/~", base + 1, 0));
    assertThrows(CompactedException.class, () -> store.watch("/", base + 1, e -> {}));
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
            base,
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

  @Test
  void watchesFromARevisionReplayTheHistoryWithPreviousValues() throws Exception {
    create("/h/a", "a");
    long start = store.currentRevision();
    store.update("/h/a", start, rev -> bytes("a2")).join();
    create("/h/b", "b");
    store.delete("/h/b", 0, rev -> bytes("b-gone@" + rev)).join();
    create("/other", "x");
    List<StoreEvent> seen = new CopyOnWriteArrayList<>();
    CountDownLatch three = new CountDownLatch(3);
    try (Store.Watch w =
        store.watch(
            "/h/",
            start,
            e -> {
              seen.add(e);
              three.countDown();
            })) {
      assertTrue(three.await(30, TimeUnit.SECONDS));
    }
    assertEquals(3, seen.size(), "only keys under the prefix, only after the revision");
    assertEquals(StoreEvent.Type.PUT, seen.get(0).type());
    assertEquals(
        "a@" + start,
        new String(seen.get(0).prevKv().value(), java.nio.charset.StandardCharsets.UTF_8),
        "events: " + seen);
    assertTrue(seen.get(1).isCreate());
    StoreEvent deleted = seen.get(2);
    assertEquals(StoreEvent.Type.DELETE, deleted.type());
    assertArrayEquals(bytes("b-gone@" + deleted.revision()), deleted.kv().value());
    assertEquals("/h/b", deleted.prevKv().key());
  }

  @Test
  void countsAndGetsSeeTheCurrentKeys() {
    for (int i = 0; i < 20; i++) {
      create("/c/" + i, "v" + i);
    }
    store.delete("/c/3", 0, null).join();
    assertEquals(19, store.count("/c/", Store.prefixEnd("/c/")));
    assertTrue(store.get("/c/3").isEmpty());
    assertArrayEquals(bytes("v7@" + (base + 8)), store.get("/c/7").orElseThrow().value());
  }

  private static List<String> keys(List<KeyValue> items) {
    return items.stream().map(KeyValue::key).toList();
  }
}
