package dev.flotilla.sim.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KeyQueueTest {
  private final ExecutorService workers = Executors.newFixedThreadPool(4);
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    workers.shutdownNow();
    timer.shutdownNow();
  }

  @Test
  void aKeyAddedWhileRunningRunsOnceMoreAndNeverConcurrently() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger runs = new AtomicInteger();
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger maxInside = new AtomicInteger();
    CountDownLatch secondRun = new CountDownLatch(2);
    KeyQueue q =
        new KeyQueue(
            "t",
            key -> {
              maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
              if (runs.incrementAndGet() == 1) {
                entered.countDown();
                try {
                  release.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
              inside.decrementAndGet();
              secondRun.countDown();
              return KeyQueue.DONE;
            },
            workers,
            timer,
            4);
    q.add("a");
    assertTrue(entered.await(10, TimeUnit.SECONDS));
    q.add("a");
    q.add("a");
    release.countDown();
    assertTrue(secondRun.await(10, TimeUnit.SECONDS));
    Thread.sleep(100);
    assertEquals(2, runs.get(), "three adds, one while running: two runs");
    assertEquals(1, maxInside.get());
  }

  @Test
  void failuresRetryWithBackoff() throws Exception {
    ConcurrentHashMap<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    CountDownLatch done = new CountDownLatch(1);
    KeyQueue q =
        new KeyQueue(
            "t",
            key -> {
              if (attempts.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet() < 3) {
                throw new IllegalStateException("not yet");
              }
              done.countDown();
              return KeyQueue.DONE;
            },
            workers,
            timer,
            2);
    q.add("k");
    assertTrue(done.await(10, TimeUnit.SECONDS));
    assertEquals(3, attempts.get("k").get());
  }
}
