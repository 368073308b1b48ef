package dev.flotilla.sim.engine;

import dev.flotilla.workqueue.KeyedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.ToLongFunction;

/**
 * The simulator's face of the shared {@link KeyedQueue}: a key added many times is reconciled once,
 * never by two workers at a time, and again if it was added while being reconciled. {@code
 * reconcile} returns a delay in milliseconds to look again, or {@link #DONE}; a thrown exception
 * retries the key with per-key exponential backoff (40 ms to 30 s).
 */
public final class KeyQueue implements AutoCloseable {
  /** Returned by a reconcile that has converged. */
  public static final long DONE = KeyedQueue.DONE;

  private static final KeyedQueue.Backoff BACKOFF = new KeyedQueue.Backoff(20, 11, 30_000, 5);

  private final KeyedQueue queue;

  public KeyQueue(
      String name,
      ToLongFunction<String> reconcile,
      Executor workers,
      ScheduledExecutorService timer,
      int parallelism) {
    this.queue =
        new KeyedQueue(
            name, reconcile::applyAsLong, workers, timer, parallelism, BACKOFF, false, true);
  }

  public String name() {
    return queue.name();
  }

  /** Schedules {@code key} for reconciliation. */
  public void add(String key) {
    queue.add(key);
  }

  /** Schedules {@code key} after {@code millis}. */
  public void addAfter(String key, long millis) {
    queue.addAfter(key, millis);
  }

  @Override
  public void close() {
    queue.close();
  }
}
