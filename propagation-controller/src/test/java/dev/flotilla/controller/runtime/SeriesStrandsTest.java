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

  private static void awaitSize(List<String> list, int size) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (list.size() < size && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertTrue(list.size() >= size, "ran only " + list);
  }
}
