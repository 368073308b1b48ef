package dev.flotilla.controller.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PrecedenceTest {
  private static final long MS = 1_000_000;
  private final AtomicLong now = new AtomicLong(1_000 * MS);

  private Precedence precedence() {
    return new Precedence(2, 2_000, 1_000, now::get);
  }

  /**
   * With {@code arrival} waiting, takes the precedence's two writes and starts a third, checked to
   * be held (not done after {@code holdMillis}).
   */
  private static CompletableFuture<Void> thirdHeld(Precedence p, String arrival, long holdMillis)
      throws InterruptedException {
    p.arrived(arrival);
    p.enterFanOut();
    p.enterFanOut();
    CompletableFuture<Void> third = CompletableFuture.runAsync(p::enterFanOut);
    Thread.sleep(holdMillis);
    assertFalse(third.isDone(), "a third write went while an arrival waited");
    return third;
  }

  @Test
  void writesGoAllAtOnceWhenNothingWaitsToBePlaced() {
    Precedence p = precedence();
    for (int i = 0; i < 10; i++) {
      p.enterFanOut();
    }
    assertEquals(10, p.inFlight());
  }

  @Test
  void anArrivalHoldsWritesBeyondItsShareUntilItIsPlaced() throws Exception {
    Precedence p = precedence();
    CompletableFuture<Void> third = thirdHeld(p, "scheduler|rb|ns/a", 200);
    p.placed("scheduler|rb|ns/a");
    third.get(5, TimeUnit.SECONDS);
    assertEquals(3, p.inFlight());
  }

  @Test
  void aFinishedWriteLetsOneHeldWriteGo() throws Exception {
    Precedence p = precedence();
    CompletableFuture<Void> third = thirdHeld(p, "resource-detector|a", 100);
    p.exitFanOut();
    third.get(5, TimeUnit.SECONDS);
    assertEquals(2, p.inFlight());
    assertTrue(p.busy(), "the arrival still waits");
  }

  @Test
  void anArrivalNeverReconciledStopsCountingAfterItsTimeToLive() throws Exception {
    Precedence p = precedence();
    CompletableFuture<Void> third = thirdHeld(p, "scheduler|rb|ns/gone", 100);
    now.addAndGet(2_001 * MS);
    third.get(5, TimeUnit.SECONDS);
    assertFalse(p.busy());
  }

  @Test
  void aWriteIsHeldNoLongerThanTheMaximumWait() throws Exception {
    Precedence p = precedence();
    CompletableFuture<Void> third = thirdHeld(p, "resource-detector|a", 100);
    // Arrivals stay fresh (each new one younger than the time-to-live), yet the write goes.
    now.addAndGet(600 * MS);
    p.arrived("resource-detector|b");
    now.addAndGet(500 * MS);
    third.get(5, TimeUnit.SECONDS);
    assertTrue(p.busy());
  }

  @Test
  void theHubsPrecedenceHoldsNothingUnlessAskedFor() {
    Precedence p = Precedence.forHub();
    assertFalse(p.on());
    p.arrived("scheduler|rb|ns/a");
    assertFalse(p.busy(), "an arrival was kept though nothing is held");
    for (int i = 0; i < 100; i++) {
      p.enterFanOut();
    }
  }

  @Test
  void aControllerPlacesItsArrivalWhenItsFirstReconcileEnds() throws Exception {
    Precedence p = precedence();
    CountDownLatch reconciled = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (Controller c =
        new Controller(
            "test-placer",
            key -> {
              reconciled.countDown();
              release.await();
              return Reconciler.Result.DONE;
            },
            1,
            p)) {
      c.enqueueArrival("ns/a");
      assertTrue(p.busy(), "an arrival queued before the controller starts counts");
      c.start();
      assertTrue(reconciled.await(5, TimeUnit.SECONDS));
      assertTrue(p.busy(), "placed only once the reconcile has ended");
      release.countDown();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (p.busy() && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertFalse(p.busy());
      c.enqueue("ns/b"); // an ordinary change is no arrival
      assertFalse(p.busy());
    }
  }
}
