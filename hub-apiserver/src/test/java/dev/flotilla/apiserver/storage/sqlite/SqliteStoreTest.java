package dev.flotilla.apiserver.storage.sqlite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.apiserver.storage.CompactedException;
import dev.flotilla.apiserver.storage.KeyValue;
import dev.flotilla.apiserver.storage.Store;
import dev.flotilla.apiserver.storage.StoreContractTest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The durable store keeps the contract, and its bounded heap loses nothing. */
class SqliteStoreTest extends StoreContractTest {
  @TempDir Path dir;

  @Override
  protected Store newStore() {
    return SqliteStore.open(dir.resolve("store"));
  }

  @Test
  void everythingIsReadBackAfterAReopen() {
    create("/p/a", "a");
    store.update("/p/a", 1, rev -> bytes("a2@" + rev)).join();
    create("/p/b", "b");
    store.delete("/p/b", 0, null).join();
    store.close();
    store = SqliteStore.open(dir.resolve("store"));
    assertEquals(4, store.currentRevision());
    KeyValue a = store.get("/p/a").orElseThrow();
    assertArrayEquals(bytes("a2@2"), a.value());
    assertEquals(1, a.createRevision());
    assertTrue(store.get("/p/b").isEmpty());
    assertEquals(1, store.range("/p/", Store.prefixEnd("/p/"), 0, 0).items().size());
  }

  /**
   * With values transformed on disk (as encryption at rest does) and a cache too small to hold
   * them, every read that misses goes through the transformer: reads after a reopen, ranges and a
   * range at an old revision all see the plain values, and the file holds none of them.
   */
  @Test
  void transformedValuesAreReadBackThroughTheTransformerOnCacheMisses() throws Exception {
    store.close();
    dev.flotilla.apiserver.storage.ValueTransformer reversed =
        new dev.flotilla.apiserver.storage.ValueTransformer() {
          @Override
          public byte[] toStorage(String key, byte[] value) {
            return reverse(value);
          }

          @Override
          public byte[] fromStorage(String key, byte[] stored) {
            return reverse(stored);
          }
        };
    SqliteStore.Limits tiny = new SqliteStore.Limits(256, 4, 256);
    Path at = dir.resolve("transformed");
    store = SqliteStore.open(at, tiny, reversed);
    for (int i = 0; i < 40; i++) {
      create("/t/k" + i, "plain-value-" + i + "-" + "x".repeat(40));
    }
    store.update("/t/k0", 1, rev -> bytes("plain-updated")).join();
    store.close();
    store = SqliteStore.open(at, tiny, reversed);
    assertArrayEquals(bytes("plain-updated"), store.get("/t/k0").orElseThrow().value());
    List<KeyValue> all = store.range("/t/", Store.prefixEnd("/t/"), 0, 0).items();
    assertEquals(40, all.size());
    for (KeyValue kv : all) {
      assertTrue(new String(kv.value()).startsWith("plain-"), kv.key());
    }
    KeyValue old = store.range("/t/k0", Store.prefixEnd("/t/k0"), 1, 0).items().get(0);
    assertTrue(new String(old.value()).startsWith("plain-value-0-"));
    byte[] file = java.nio.file.Files.readAllBytes(at.resolve("flotilla.db"));
    assertTrue(
        !new String(file, java.nio.charset.StandardCharsets.ISO_8859_1).contains("plain-value-"));
  }

  private static byte[] reverse(byte[] in) {
    byte[] out = new byte[in.length];
    for (int i = 0; i < in.length; i++) {
      out[i] = in[in.length - 1 - i];
    }
    return out;
  }

  /**
   * A cache of a few KiB and a window of a few events, so nearly every read misses: values read
   * back from SQLite while writers rewrite the same keys, compaction removes superseded rows and a
   * watcher follows, are always the value of the revision they are reported at.
   */
  @Test
  void valuesEvictedFromTheCacheAreReadBackCorrectlyUnderConcurrentWritesAndWatch()
      throws Exception {
    store.close();
    store = SqliteStore.open(dir.resolve("small"), new SqliteStore.Limits(4 << 10, 20, 8 << 10));
    int keys = 50;
    int rounds = 40;
    String pad = "p".repeat(700);
    for (int k = 0; k < keys; k++) {
      String key = "/e/" + k;
      store.create(key, rev -> bytes(key + "@" + rev + pad)).join();
    }
    Map<String, String> watched = new ConcurrentHashMap<>();
    List<String> wrong = java.util.Collections.synchronizedList(new ArrayList<>());
    CountDownLatch allEvents = new CountDownLatch(keys * rounds);
    Store.Watch watch =
        store.watch(
            "/e/",
            store.currentRevision(),
            e -> {
              String v = new String(e.kv().value());
              if (!v.equals(e.kv().key() + "@" + e.revision() + pad)) {
                wrong.add("watch " + e.kv().key() + " at " + e.revision());
              }
              watched.put(e.kv().key(), v);
              allEvents.countDown();
            });
    AtomicBoolean writing = new AtomicBoolean(true);
    ExecutorService pool = Executors.newFixedThreadPool(6);
    List<Future<?>> writers = new ArrayList<>();
    for (int w = 0; w < 2; w++) {
      int half = w;
      writers.add(
          pool.submit(
              () -> {
                for (int r = 0; r < rounds; r++) {
                  for (int k = half; k < keys; k += 2) {
                    String key = "/e/" + k;
                    while (true) {
                      long rev = store.get(key).orElseThrow().modRevision();
                      if (store
                          .update(key, rev, n -> bytes(key + "@" + n + pad))
                          .join()
                          .succeeded()) {
                        break;
                      }
                    }
                  }
                }
              }));
    }
    List<Future<?>> readers = new ArrayList<>();
    for (int t = 0; t < 3; t++) {
      readers.add(
          pool.submit(
              () -> {
                while (writing.get()) {
                  for (KeyValue kv : store.range("/e/", Store.prefixEnd("/e/"), 0, 0).items()) {
                    check(kv, pad, wrong);
                  }
                  store.get("/e/7").ifPresent(kv -> check(kv, pad, wrong));
                }
              }));
    }
    readers.add(
        pool.submit(
            () -> {
              while (writing.get()) {
                store.compact(store.currentRevision() - 5);
              }
            }));
    for (Future<?> f : writers) {
      f.get(120, TimeUnit.SECONDS);
    }
    writing.set(false);
    for (Future<?> f : readers) {
      f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertTrue(allEvents.await(60, TimeUnit.SECONDS), "the watcher saw every write");
    watch.close();
    assertEquals(List.of(), wrong);
    List<KeyValue> all = store.range("/e/", Store.prefixEnd("/e/"), 0, 0).items();
    assertEquals(keys, all.size());
    for (KeyValue kv : all) {
      assertEquals(watched.get(kv.key()), new String(kv.value()), kv.key());
    }
    long[] figures = ((SqliteStore) store).heapFigures();
    assertTrue(figures[0] <= 4 << 10, "the cache stays within its bound: " + figures[0]);
    assertTrue(figures[2] > 0, "values were read back from SQLite");
    assertTrue(figures[4] <= 20, "the window stays within its bound: " + figures[4]);
    assertThrows(
        CompactedException.class, () -> store.watch("/e/", 1, e -> {}), "old history is gone");
  }

  private static void check(KeyValue kv, String pad, List<String> wrong) {
    if (!new String(kv.value()).equals(kv.key() + "@" + kv.modRevision() + pad)) {
      wrong.add("read " + kv.key() + " at " + kv.modRevision());
    }
  }
}
