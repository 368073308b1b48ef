package dev.flotilla.apiserver.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.flotilla.apiserver.storage.memory.MemoryStore;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * When the event log's source loses history, every subscriber is ended and told (never left
 * following a history with a hole), and a {@link PrefixFollower} lists again, dropping what went
 * away meanwhile.
 */
class EventLogRestartTest {

  private static StoreEvent put(String key, long rev) {
    return new StoreEvent(StoreEvent.Type.PUT, new KeyValue(key, new byte[0], rev, rev), null);
  }

  @Test
  void restartEndsEverySubscriberAndStartsTheWindowOverAtTheGivenRevision() {
    EventLog log = new EventLog(100, 10);
    List<Long> seen = new CopyOnWriteArrayList<>();
    AtomicInteger gone = new AtomicInteger();
    log.subscribe("/a/", 10, e -> seen.add(e.revision()), gone::incrementAndGet);
    log.subscribe("/a/", 10, e -> seen.add(e.revision()), gone::incrementAndGet);
    log.publish(List.of(put("/a/x", 11)));
    assertEquals(List.of(11L, 11L), seen);

    log.restart(20);
    assertEquals(2, gone.get());
    log.publish(List.of(put("/a/x", 21)));
    assertEquals(List.of(11L, 11L), seen, "an ended subscriber gets nothing more");
    assertEquals(0, log.subscriberCount());
    assertThrows(CompactedException.class, () -> log.subscribe("/a/", 11, e -> {}, () -> {}));
    List<Long> fresh = new CopyOnWriteArrayList<>();
    log.subscribe("/a/", 20, e -> fresh.add(e.revision()), () -> {});
    log.publish(List.of(put("/a/y", 22)));
    assertEquals(List.of(21L, 22L), fresh);
  }

  @Test
  void aFollowerListsAgainWhenItsWatchIsGoneAndDropsWhatWasDeletedMeanwhile() throws Exception {
    LossyStore store = new LossyStore(new MemoryStore());
    store.create("/p/a", rev -> bytes("a")).join();
    store.create("/p/b", rev -> bytes("b")).join();
    Map<String, String> cache = new TreeMap<>();
    PrefixFollower follower =
        PrefixFollower.start(
            store,
            "/p/",
            new PrefixFollower.Cache() {
              @Override
              public synchronized void put(KeyValue kv) {
                cache.put(kv.key(), new String(kv.value(), StandardCharsets.UTF_8));
              }

              @Override
              public synchronized void remove(String key) {
                cache.remove(key);
              }
            });
    assertEquals(Map.of("/p/a", "a", "/p/b", "b"), Map.copyOf(cache));

    store.losing = true; // changes happen that the watch never delivers
    long a = store.get("/p/a").orElseThrow().modRevision();
    store.delete("/p/a", a, rev -> bytes("")).join();
    store.create("/p/c", rev -> bytes("c")).join();
    assertEquals(Map.of("/p/a", "a", "/p/b", "b"), Map.copyOf(cache));
    store.losing = false;
    store.gone.get(0).run();

    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!Map.copyOf(cache).equals(Map.of("/p/b", "b", "/p/c", "c"))) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the follower did not list again: " + cache);
      }
      Thread.sleep(20);
    }
    store.create("/p/d", rev -> bytes("d")).join();
    while (!cache.containsKey("/p/d")) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the follower did not watch again: " + cache);
      }
      Thread.sleep(20);
    }
    follower.close();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** A store whose watches drop events while {@code losing}, and keep their gone callbacks. */
  private static final class LossyStore extends ForwardingStore {
    final List<Runnable> gone = new CopyOnWriteArrayList<>();
    volatile boolean losing;

    LossyStore(Store inner) {
      super(inner);
    }

    @Override
    public Watch watch(
        String prefix, long afterRevision, Consumer<StoreEvent> listener, Runnable onGone) {
      gone.add(onGone);
      return inner.watch(
          prefix,
          afterRevision,
          e -> {
            if (!losing) {
              listener.accept(e);
            }
          });
    }

    @Override
    public Watch watch(String prefix, long afterRevision, Consumer<StoreEvent> listener) {
      throw new AssertionError("the follower must pass a gone callback");
    }
  }
}
