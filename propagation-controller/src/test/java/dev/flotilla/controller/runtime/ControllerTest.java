package dev.flotilla.controller.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The work queue's promises with many workers (the scheduler runs 32): keys are reconciled in
 * parallel, one key never by two workers at once, and a key changed while it is being reconciled is
 * reconciled again afterwards, so the last reconcile always sees the last change.
 */
class ControllerTest {
  private static final int KEYS = 40;
  private static final int CHANGES_PER_KEY = 25;

  @Test
  void manyWorkersNeverOverlapOneKeyAndAlwaysSeeItsLastChange() throws Exception {
    Map<String, AtomicInteger> version = new ConcurrentHashMap<>();
    Map<String, Integer> lastSeen = new ConcurrentHashMap<>();
    Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    AtomicInteger overlaps = new AtomicInteger();
    AtomicInteger concurrentKeys = new AtomicInteger();
    AtomicInteger maxConcurrentKeys = new AtomicInteger();
    for (int k = 0; k < KEYS; k++) {
      version.put("k" + k, new AtomicInteger());
      inFlight.put("k" + k, new AtomicInteger());
    }
    Reconciler reconciler =
        key -> {
          if (inFlight.get(key).incrementAndGet() > 1) {
            overlaps.incrementAndGet();
          }
          maxConcurrentKeys.accumulateAndGet(concurrentKeys.incrementAndGet(), Math::max);
          try {
            int seen = version.get(key).get();
            Thread.sleep(2); // a hub round trip: other keys' reconciles overlap this one
            lastSeen.put(key, seen);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } finally {
            concurrentKeys.decrementAndGet();
            inFlight.get(key).decrementAndGet();
          }
          return Reconciler.Result.DONE;
        };
    try (Controller controller = new Controller("test", reconciler, 32)) {
      controller.start();
      List<Thread> writers = new ArrayList<>();
      CountDownLatch go = new CountDownLatch(1);
      for (int w = 0; w < 4; w++) {
        int offset = w;
        Thread t =
            new Thread(
                () -> {
                  try {
                    go.await();
                  } catch (InterruptedException e) {
                    return;
                  }
                  for (int i = 0; i < CHANGES_PER_KEY; i++) {
                    for (int k = offset; k < KEYS; k += 4) {
                      String key = "k" + k;
                      version.get(key).incrementAndGet(); // the change, then the event
                      controller.enqueue(key);
                    }
                  }
                });
        t.start();
        writers.add(t);
      }
      go.countDown();
      for (Thread t : writers) {
        t.join();
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (!allCaughtUp(version, lastSeen) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
    }
    assertEquals(0, overlaps.get(), "a key was reconciled by two workers at once");
    for (int k = 0; k < KEYS; k++) {
      assertEquals(
          CHANGES_PER_KEY,
          lastSeen.getOrDefault("k" + k, -1),
          "the last reconcile of k" + k + " saw its last change");
    }
    assertTrue(maxConcurrentKeys.get() > 1, "keys were reconciled in parallel");
  }

  private static boolean allCaughtUp(
      Map<String, AtomicInteger> version, Map<String, Integer> lastSeen) {
    for (Map.Entry<String, AtomicInteger> e : version.entrySet()) {
      if (lastSeen.getOrDefault(e.getKey(), -1) != e.getValue().get()) {
        return false;
      }
    }
    return true;
  }
}
