package dev.flotilla.agent.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.agent.kube.KeyedWorkQueue.Result;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class KeyedWorkQueueTest {

  @Test
  void aKeyAddedWhileRunningRunsAgainAfterwardsNeverConcurrently() throws Exception {
    CountDownLatch firstStarted = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger running = new AtomicInteger();
    AtomicInteger maxRunning = new AtomicInteger();
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch secondRun = new CountDownLatch(2);
    try (KeyedWorkQueue queue =
        new KeyedWorkQueue(
            "test",
            4,
            key -> {
              maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
              if (runs.incrementAndGet() == 1) {
                firstStarted.countDown();
                release.await();
              }
              running.decrementAndGet();
              secondRun.countDown();
              return Result.DONE;
            })) {
      queue.add("a");
      assertTrue(firstStarted.await(5, TimeUnit.SECONDS));
      queue.add("a");
      queue.add("a");
      release.countDown();
      assertTrue(secondRun.await(5, TimeUnit.SECONDS));
      Thread.sleep(100);
      assertEquals(2, runs.get(), "adds while running collapse into one more run");
      assertEquals(1, maxRunning.get());
    }
  }

  @Test
  void failuresRetryWithBackoffUntilTheyPass() throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(1);
    try (KeyedWorkQueue queue =
        new KeyedWorkQueue(
            "test",
            1,
            key -> {
              if (attempts.incrementAndGet() < 3) {
                throw new IllegalStateException("not yet");
              }
              done.countDown();
              return Result.DONE;
            })) {
      queue.add("k");
      assertTrue(done.await(5, TimeUnit.SECONDS));
      assertEquals(3, attempts.get());
    }
  }

  @Test
  void differentKeysRunInParallelAndRequeueAfterIsHonoured() throws Exception {
    Map<String, Integer> counts = new ConcurrentHashMap<>();
    List<String> order = new CopyOnWriteArrayList<>();
    CountDownLatch done = new CountDownLatch(3);
    try (KeyedWorkQueue queue =
        new KeyedWorkQueue(
            "test",
            2,
            key -> {
              order.add(key);
              int n = counts.merge(key, 1, Integer::sum);
              done.countDown();
              return key.equals("again") && n == 1 ? new Result(10) : Result.DONE;
            })) {
      queue.add("once");
      queue.add("again");
      assertTrue(done.await(5, TimeUnit.SECONDS));
      assertEquals(2, counts.get("again"));
      assertEquals(1, counts.get("once"));
    }
  }
}
