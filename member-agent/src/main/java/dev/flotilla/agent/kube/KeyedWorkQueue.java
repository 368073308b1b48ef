package dev.flotilla.agent.kube;

import dev.flotilla.workqueue.KeyedQueue;
import dev.flotilla.workqueue.Pools;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The agent's {@link KeyedQueue} (client-go workqueue semantics: a key waits at most once, one
 * reconcile per key runs at a time and a key added meanwhile is reconciled again afterwards,
 * failures retry with per-key exponential backoff from 100 ms to 30 s).
 */
public final class KeyedWorkQueue extends KeyedQueue {
  private static final Backoff BACKOFF = new Backoff(50, 21, 30_000, 3);

  /** Delayed adds of every queue in the process: they only queue a key, so one thread does. */
  private static final ScheduledExecutorService DELAYS =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "keyed-work-queue-delays");
            t.setDaemon(true);
            return t;
          });

  /** Reconciles one key; throwing means "retry with backoff". */
  @FunctionalInterface
  public interface Reconciler {
    Result reconcile(String key) throws Exception;
  }

  /** What a reconcile asks for next: nothing, or another look after a delay. */
  public record Result(long requeueAfterMillis) {
    public static final Result DONE = new Result(-1);

    public static Result after(Duration delay) {
      return new Result(delay.toMillis());
    }
  }

  private final ExecutorService executor;
  private final boolean ownExecutor;

  /**
   * A queue with up to {@code workerCount} threads of its own, started when keys arrive and gone
   * after a minute without work, so an idle agent holds none.
   */
  public KeyedWorkQueue(String name, int workerCount, Reconciler reconciler) {
    this(name, workerCount, reconciler, Pools.workers(name, workerCount, 60), true);
  }

  /**
   * A queue whose reconciles run on {@code executor} (shared with other queues, e.g. by many
   * simulated agents in one process), at most {@code workerCount} at once.
   */
  public KeyedWorkQueue(
      String name, int workerCount, Reconciler reconciler, ExecutorService executor) {
    this(name, workerCount, reconciler, executor, false);
  }

  private KeyedWorkQueue(
      String name,
      int workerCount,
      Reconciler reconciler,
      ExecutorService executor,
      boolean ownExecutor) {
    super(
        name,
        key -> reconciler.reconcile(key).requeueAfterMillis(),
        executor,
        DELAYS,
        workerCount,
        BACKOFF,
        false,
        true);
    this.executor = executor;
    this.ownExecutor = ownExecutor;
  }

  @Override
  public void close() {
    super.close();
    if (ownExecutor) {
      executor.shutdownNow();
    }
  }
}
