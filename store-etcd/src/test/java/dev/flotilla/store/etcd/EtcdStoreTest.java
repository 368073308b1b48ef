package dev.flotilla.store.etcd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.apiserver.storage.CompactedException;
import dev.flotilla.apiserver.storage.Store;
import dev.flotilla.apiserver.storage.StoreContractTest;
import dev.flotilla.apiserver.storage.StoreEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The etcd driver keeps the same contract as the embedded one, against a real etcd this test
 * starts; and two stores on one etcd (two hubs) see one history.
 */
class EtcdStoreTest extends StoreContractTest {
  @TempDir static Path dir;
  private static LocalEtcd etcd;
  private static final AtomicInteger PREFIXES = new AtomicInteger();

  /** The contract's values end in "@revision": stamping replaces that suffix. */
  static final Restamp SUFFIX =
      (stored, rev) -> {
        String s = new String(stored, StandardCharsets.UTF_8);
        int at = s.lastIndexOf('@');
        return at < 0 ? stored : (s.substring(0, at + 1) + rev).getBytes(StandardCharsets.UTF_8);
      };

  @BeforeAll
  static void startEtcd() throws Exception {
    EtcdTests.requireEtcd();
    etcd = LocalEtcd.start(dir, 1);
  }

  @AfterAll
  static void stopEtcd() {
    if (etcd != null) {
      etcd.close();
    }
  }

  @Override
  protected Store newStore() {
    return open("/t" + PREFIXES.incrementAndGet());
  }

  private static EtcdStore open(String prefix) {
    return EtcdStore.open(
        etcd.connection(prefix),
        new EtcdStore.Limits(1 << 20, 10_000, 8 << 20),
        SUFFIX,
        dev.flotilla.apiserver.storage.ValueTransformer.IDENTITY);
  }

  @Test
  void aRangeLargerThanGrpcsDefaultMessageIsRead() {
    try (EtcdStore store = open("/big" + PREFIXES.incrementAndGet())) {
      String filler = "x".repeat(600 * 1024);
      for (int i = 0; i < 10; i++) {
        store.create("/big/k" + i, rev -> bytes(filler + "@" + rev)).join();
      }
      assertEquals(10, store.range("/big/", Store.prefixEnd("/big/"), 0, 0).items().size());
    }
  }

  @Test
  void twoStoresOnOneEtcdShareOneHistoryAndEachFansOutItsOwnWatch() throws Exception {
    String prefix = "/shared" + PREFIXES.incrementAndGet();
    try (EtcdStore a = open(prefix);
        EtcdStore b = open(prefix)) {
      long start = a.currentRevision();
      List<StoreEvent> seenByB = new CopyOnWriteArrayList<>();
      CountDownLatch three = new CountDownLatch(3);
      Store.Watch w =
          b.watch(
              "/x/",
              start,
              e -> {
                seenByB.add(e);
                three.countDown();
              });
      long created = a.create("/x/k", rev -> bytes("v@" + rev)).join().kv().modRevision();
      assertEquals("v@" + created, new String(b.get("/x/k").orElseThrow().value()));
      assertTrue(
          b.update("/x/k", created, rev -> bytes("w@" + rev)).join().succeeded(),
          "b writes over a's revision");
      assertTrue(
          !a.update("/x/k", created, rev -> bytes("stale")).join().succeeded(),
          "a's stale revision loses");
      assertTrue(a.delete("/x/k", 0, rev -> bytes("gone@" + rev)).join().succeeded());
      assertTrue(three.await(60, TimeUnit.SECONDS));
      w.close();
      assertEquals(
          List.of(StoreEvent.Type.PUT, StoreEvent.Type.PUT, StoreEvent.Type.DELETE),
          seenByB.stream().map(StoreEvent::type).toList());
      StoreEvent deleted = seenByB.get(2);
      assertArrayEquals(
          bytes("w@" + deleted.revision()),
          deleted.kv().value(),
          "a delete made by another hub reads as the last value at the delete's revision");
      assertEquals(a.currentRevision(), b.currentRevision());
    }
  }

  /**
   * Periodic compaction on several replicas: in each round only the replica whose compare-and-swap
   * on the compaction key succeeds compacts, the others learn of it and compact nothing; when the
   * winner stops, the next round of another replica compacts.
   */
  @Test
  void periodicCompactionRunsInOneReplicaPerRound() {
    String prefix = "/compacting" + PREFIXES.incrementAndGet();
    try (EtcdStore a = open(prefix);
        EtcdStore b = open(prefix)) {
      long[] revs = new long[8];
      for (int i = 0; i < revs.length; i++) {
        revs[i] = a.create("/c/k" + i, rev -> bytes("v@" + rev)).join().kv().modRevision();
      }
      // Round 1: a, then b (b's round comes later, to a later revision).
      a.compactRound(revs[1]);
      b.compactRound(revs[3]);
      assertEquals(revs[1], a.compactedRevision());
      assertEquals(revs[1], b.compactedRevision(), "b learns the round's compaction from etcd");
      assertEquals(
          3,
          b.range("/c/", Store.prefixEnd("/c/"), revs[2], 0).items().size(),
          "b did not compact in a round a had compacted: history after a's revision is readable");
      // Round 2: the same, a wins again.
      a.compactRound(revs[4]);
      b.compactRound(revs[5]);
      assertEquals(
          5,
          b.range("/c/", Store.prefixEnd("/c/"), revs[4], 0).items().size(),
          "round 2 compacted to a's revision only");
      assertThrows(
          CompactedException.class,
          () -> b.range("/c/", Store.prefixEnd("/c/"), revs[3], 0),
          "a compacted in round 2");
      // Once a stops taking part, b's next round compacts (b knows the last round).
      b.compactRound(revs[6]);
      assertEquals(revs[6], b.compactedRevision());
      assertThrows(
          CompactedException.class, () -> b.range("/c/", Store.prefixEnd("/c/"), revs[5], 0));
    }
  }
}
