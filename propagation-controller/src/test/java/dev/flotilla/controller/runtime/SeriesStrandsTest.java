package dev.flotilla.controller.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SeriesStrandsTest {
  @Test
  void aTaskThatThrowsAnErrorDoesNotStopItsKey() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      SeriesStrands strands = new SeriesStrands(pool);
      List<String> ran = new CopyOnWriteArrayList<>();
      strands.execute("k", () -> ran.add("first"));
      strands.execute(
          "k",
          () -> {
            throw new AssertionError("an Error, not an exception");
          });
      strands.execute("k", () -> ran.add("after"));
      awaitSize(ran, 2);
      strands.execute("k", () -> ran.add("later"));
      awaitSize(ran, 3);
      assertEquals(List.of("first", "after", "later"), ran);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aRejectedStartDoesNotLeaveItsKeyTaken() throws Exception {
    java.util.concurrent.atomic.AtomicBoolean reject =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    java.util.concurrent.Executor pool =
        task -> {
          if (reject.getAndSet(false)) {
            throw new java.util.concurrent.RejectedExecutionException("shut");
          }
          new Thread(task).start();
        };
    SeriesStrands strands = new SeriesStrands(pool);
    long owed = SeriesStrands.owed();
    strands.execute("k", () -> {});
    assertEquals(owed, SeriesStrands.owed(), "a task that cannot run is not owed");
    List<String> ran = new CopyOnWriteArrayList<>();
    strands.execute("k", () -> ran.add("ran"));
    awaitSize(ran, 1);
  }

  /**
   * Two clients' strands in one order (a controller set started over on a new client): the new
   * one's task for a key waits for the old one's, and runs on its own pool.
   */
  @Test
  void aKeysTasksKeepTheirOrderAcrossPoolsSharingIt() throws Exception {
    ExecutorService oldPool = Executors.newSingleThreadExecutor(r -> new Thread(r, "old"));
    ExecutorService newPool = Executors.newSingleThreadExecutor(r -> new Thread(r, "new"));
    try {
      java.util.Map<String, java.util.ArrayDeque<SeriesStrands.Entry>> order =
          new java.util.concurrent.ConcurrentHashMap<>();
      SeriesStrands before = new SeriesStrands(oldPool, order);
      SeriesStrands after = new SeriesStrands(newPool, order);
      java.util.concurrent.CountDownLatch createInFlight =
          new java.util.concurrent.CountDownLatch(1);
      List<String> ran = new CopyOnWriteArrayList<>();
      before.execute(
          "k",
          () -> {
            try {
              createInFlight.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            ran.add("create on " + Thread.currentThread().getName());
          });
      after.execute("k", () -> ran.add("delete on " + Thread.currentThread().getName()));
      after.execute("other", () -> ran.add("other on " + Thread.currentThread().getName()));
      awaitSize(ran, 1);
      assertEquals(List.of("other on new"), ran, "another key does not wait");
      createInFlight.countDown();
      awaitSize(ran, 3);
      assertEquals(List.of("other on new", "create on old", "delete on new"), ran);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!order.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(5); // the drain releases the key just after the task's end
      }
      assertTrue(order.isEmpty(), "no key left taken: " + order);
    } finally {
      oldPool.shutdownNow();
      newPool.shutdownNow();
    }
  }

  @Test
  void aClosedPoolsTaskIsDroppedAndTheNextStillRuns() throws Exception {
    ExecutorService closed = Executors.newSingleThreadExecutor();
    closed.shutdown();
    ExecutorService open = Executors.newSingleThreadExecutor();
    try {
      java.util.Map<String, java.util.ArrayDeque<SeriesStrands.Entry>> order =
          new java.util.concurrent.ConcurrentHashMap<>();
      List<String> ran = new CopyOnWriteArrayList<>();
      java.util.concurrent.CountDownLatch first = new java.util.concurrent.CountDownLatch(1);
      SeriesStrands live = new SeriesStrands(open, order);
      SeriesStrands dead = new SeriesStrands(closed, order);
      live.execute(
          "k",
          () -> {
            try {
              first.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            ran.add("first");
          });
      for (int i = 0; i < 3; i++) {
        dead.execute("k", () -> ran.add("never"));
      }
      live.execute("k", () -> ran.add("after"));
      first.countDown();
      awaitSize(ran, 2);
      assertEquals(List.of("first", "after"), ran, "the shut pool's tasks are dropped, in line");
    } finally {
      open.shutdownNow();
    }
  }

  private static void awaitSize(List<String> list, int size) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (list.size() < size && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertTrue(list.size() >= size, "ran only " + list);
  }
}
