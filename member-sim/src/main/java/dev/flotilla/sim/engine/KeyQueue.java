package dev.flotilla.sim.engine;

import dev.flotilla.workqueue.KeyedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.ToLongFunction;

/**
 * The simulator's {@link KeyedQueue}: a key added many times is reconciled once, never by two
 * workers at a time, and again if it was added while being reconciled. {@code reconcile} returns a
 * delay in milliseconds to look again, or {@link #DONE}; a thrown exception retries the key with
 * per-key exponential backoff (40 ms to 30 s).
 */
public final class KeyQueue extends KeyedQueue {
  private static final Backoff BACKOFF = new Backoff(20, 11, 30_000, 5);

  public KeyQueue(
      String name,
      ToLongFunction<String> reconcile,
      Executor workers,
      ScheduledExecutorService timer,
      int parallelism) {
    super(name, reconcile::applyAsLong, workers, timer, parallelism, BACKOFF, false, true);
  }
}
