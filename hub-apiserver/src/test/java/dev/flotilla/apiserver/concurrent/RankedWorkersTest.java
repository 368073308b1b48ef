package dev.flotilla.apiserver.concurrent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RankedWorkersTest {
  private RankedWorkers pool;
  private final CountDownLatch gate = new CountDownLatch(1);
  private final List<String> ran = new CopyOnWriteArrayList<>();

  @BeforeEach
  void oneBusyWorker() {
    pool = new RankedWorkers(1, Thread::new);
    // The only worker waits, so everything submitted next queues behind it.
    pool.execute(
        () -> {
          try {
            gate.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
  }

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  @Test
  void anUrgentTaskOvertakesOrdinaryOnesAndEachLaneKeepsItsOrder() throws Exception {
    for (int i = 0; i < 5; i++) {
      String name = "work-" + i;
      pool.execute(() -> ran.add(name));
    }
    pool.urgent().execute(() -> ran.add("lease-1"));
    pool.urgent().execute(() -> ran.add("lease-2"));
    finish(7);
    assertEquals(
        List.of("lease-1", "lease-2", "work-0", "work-1", "work-2", "work-3", "work-4"), ran);
  }

  @Test
  void whatAnUrgentTaskSubmitsIsUrgent() throws Exception {
    pool.execute(() -> ran.add("work-0"));
    pool.urgent()
        .execute(
            () -> {
              ran.add("lease");
              pool.execute(() -> ran.add("lease-step-1"));
              pool.execute(() -> ran.add("lease-step-2"));
            });
    finish(4);
    // The urgent task's own submissions overtake work-0, which was queued before them.
    assertEquals(List.of("lease", "lease-step-1", "lease-step-2", "work-0"), ran);
  }

  @Test
  void aContinuationSubmittedFromAnotherThreadKeepsTheRankChosenWhileUrgent() throws Exception {
    ExecutorService store = Executors.newSingleThreadExecutor();
    try {
      CompletableFuture<Executor> chosen = new CompletableFuture<>();
      CompletableFuture<Executor> chosenOrdinary = new CompletableFuture<>();
      pool.urgent().execute(() -> chosen.complete(RankedWorkers.keepingRank(pool)));
      pool.execute(() -> chosenOrdinary.complete(RankedWorkers.keepingRank(pool)));
      gate.countDown();
      Executor urgentLane = chosen.get(30, TimeUnit.SECONDS);
      Executor ordinaryLane = chosenOrdinary.get(30, TimeUnit.SECONDS);
      CountDownLatch busy = new CountDownLatch(1);
      pool.execute(
          () -> {
            try {
              busy.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          });
      // The store's thread submits both continuations, the ordinary one first.
      store.submit(() -> ordinaryLane.execute(() -> ran.add("ordinary"))).get();
      store.submit(() -> urgentLane.execute(() -> ran.add("urgent"))).get();
      busy.countDown();
      awaitSize(2);
      assertEquals(List.of("urgent", "ordinary"), ran);
    } finally {
      store.shutdownNow();
    }
  }

  @Test
  void bulkTasksWaitForOrdinaryOnesSubmittedAfterThemAndTakeTheirRankAlong() throws Exception {
    pool.bulk()
        .execute(
            () -> {
              ran.add("work-0");
              // Bulk like its parent, so after work-1 (queued earlier); as an ordinary task it
              // would have gone first.
              pool.execute(() -> ran.add("work-0-step"));
            });
    pool.bulk().execute(() -> ran.add("work-1"));
    pool.execute(() -> ran.add("binding-0"));
    pool.urgent().execute(() -> ran.add("lease"));
    pool.execute(() -> ran.add("binding-1"));
    finish(6);
    assertEquals(
        List.of("lease", "binding-0", "binding-1", "work-0", "work-1", "work-0-step"), ran);
  }

  @Test
  void aBulkTaskIsPassedByABoundedNumberOfLaterOrdinaryTasks() throws Exception {
    pool.bulk().execute(() -> ran.add("work"));
    int later = (int) RankedWorkers.BULK_HANDICAP + 10;
    for (int i = 0; i < later; i++) {
      int n = i;
      pool.execute(() -> ran.add("ordinary-" + n));
    }
    finish(later + 1);
    // The bulk task was the first submitted: only the ordinary tasks within the handicap pass it.
    assertEquals((int) RankedWorkers.BULK_HANDICAP, ran.indexOf("work"), ran.toString());
  }

  @Test
  void controlTasksGoBetweenUrgentAndOrdinaryAndTakeTheirRankAlong() throws Exception {
    pool.bulk().execute(() -> ran.add("work"));
    pool.execute(() -> ran.add("status-0"));
    pool.control()
        .execute(
            () -> {
              ran.add("schedule");
              // Control like its parent: ahead of status-0 and status-1, queued before it.
              pool.execute(() -> ran.add("schedule-step"));
            });
    pool.execute(() -> ran.add("status-1"));
    pool.urgent().execute(() -> ran.add("lease"));
    finish(6);
    assertEquals(
        List.of("lease", "schedule", "schedule-step", "status-0", "status-1", "work"), ran);
  }

  @Test
  void aControlTaskPassesABoundedNumberOfEarlierOrdinaryTasks() throws Exception {
    int earlier = (int) RankedWorkers.CONTROL_LEAD + 10;
    for (int i = 0; i < earlier; i++) {
      int n = i;
      pool.execute(() -> ran.add("ordinary-" + n));
    }
    pool.control().execute(() -> ran.add("control"));
    finish(earlier + 1);
    // Only the ordinary tasks submitted more than the lead before it stay ahead of it.
    assertEquals(10, ran.indexOf("control"), ran.subList(0, 12).toString());
  }

  @Test
  void aContinuationKeepsTheControlRank() throws Exception {
    CompletableFuture<Executor> chosen = new CompletableFuture<>();
    pool.control().execute(() -> chosen.complete(RankedWorkers.keepingRank(pool)));
    gate.countDown();
    assertTrue(chosen.get(30, TimeUnit.SECONDS) == pool.control());
  }

  @Test
  void aPoolWithoutLanesIsItsOwnUrgentLane() {
    Executor plain = Runnable::run;
    assertTrue(RankedWorkers.urgentLane(plain) == plain);
    assertTrue(RankedWorkers.bulkLane(plain) == plain);
    assertTrue(RankedWorkers.controlLane(plain) == plain);
    assertTrue(RankedWorkers.keepingRank(plain) == plain);
  }

  private void finish(int tasks) throws InterruptedException {
    gate.countDown();
    awaitSize(tasks);
  }

  private void awaitSize(int tasks) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (ran.size() < tasks && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertEquals(tasks, ran.size(), "tasks run: " + ran);
  }
}
