package dev.flotilla.workqueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KeyedQueueTest {
  private static final KeyedQueue.Backoff FAST = new KeyedQueue.Backoff(1, 4, 50, 100);

  /** Workers and delayed adds on one pool, as the hub's and the controllers' queues run. */
  private final ScheduledExecutorService pool = Executors.newScheduledThreadPool(4);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  @Test
  void keysAddedWhileWaitingAreReconciledOnce() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    CountDownLatch done = new CountDownLatch(2);
    KeyedQueue q =
        new KeyedQueue(
            "dedup",
            k -> {
              seen.add(k);
              done.countDown();
              return KeyedQueue.DONE;
            },
            pool,
            pool,
            4,
            FAST,
            false,
            false);
    for (int i = 0; i < 100; i++) {
      q.add("a");
      q.add("b");
    }
    q.start();
    assertTrue(done.await(60, TimeUnit.SECONDS));
    // a third reconcile would have to be of a key added again: none was
    q.add("c");
    waitFor(() -> seen.contains("c"));
    assertEquals(List.of("a", "b", "c"), seen.stream().sorted().toList());
  }

  @Test
  void aKeyIsNeverReconciledTwiceAtOnceAndRunsAgainWhenAddedMeanwhile() throws Exception {
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger maxInFlight = new AtomicInteger();
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch firstStarted = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    KeyedQueue q =
        new KeyedQueue(
            "exclusive",
            k -> {
              maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
              if (runs.incrementAndGet() == 1) {
                firstStarted.countDown();
                release.await(60, TimeUnit.SECONDS);
              }
              inFlight.decrementAndGet();
              return KeyedQueue.DONE;
            },
            pool,
            pool,
            4,
            FAST,
            false,
            true);
    q.add("k");
    assertTrue(firstStarted.await(60, TimeUnit.SECONDS));
    q.add("k");
    q.add("k");
    release.countDown();
    waitFor(() -> runs.get() == 2);
    assertEquals(1, maxInFlight.get());
  }

  @Test
  void failuresRetryWithBackoffAndCountRetries() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Metrics.addRegistry(registry);
    try {
      AtomicInteger attempts = new AtomicInteger();
      KeyedQueue q =
          new KeyedQueue(
              "retrying-queue",
              k -> {
                if (attempts.incrementAndGet() < 4) {
                  throw new IllegalStateException("not yet");
                }
                return KeyedQueue.DONE;
              },
              pool,
              pool,
              1,
              FAST,
              true,
              true);
      q.add("k");
      waitFor(() -> attempts.get() >= 4);
      assertEquals(
          3.0, registry.get("workqueue.retries").tag("name", "retrying-queue").counter().count());
      assertEquals(4, attempts.get());
    } finally {
      Metrics.removeRegistry(registry);
    }
  }

  @Test
  void backoffGrowsPerFailureUpToTheCap() {
    KeyedQueue.Backoff b = new KeyedQueue.Backoff(5, 20, 30_000, 3);
    assertEquals(10, b.delay(1));
    assertEquals(20, b.delay(2));
    assertEquals(30_000, b.delay(20));
  }

  private static void waitFor(java.util.function.BooleanSupplier condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "condition not met within 120 s");
      Thread.sleep(10);
    }
  }
}
