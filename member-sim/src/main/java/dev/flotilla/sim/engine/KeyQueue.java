package dev.flotilla.sim.engine;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A deduplicating work queue with client-go's guarantees: a key added many times is reconciled
 * once, never by two workers at a time, and again if it was added while being reconciled. {@code
 * reconcile} returns a delay in milliseconds to look again, or {@link #DONE}; a thrown exception
 * retries the key with per-key exponential backoff.
 */
public final class KeyQueue implements AutoCloseable {
  /** Returned by a reconcile that has converged. */
  public static final long DONE = -1;

  private static final Logger LOG = Logger.getLogger(KeyQueue.class.getName());
  private static final long MAX_BACKOFF_MS = 30_000;

  private final String name;
  private final ToLongFunction<String> reconcile;
  private final Executor workers;
  private final ScheduledExecutorService timer;
  private final int parallelism;
  private final ArrayDeque<String> queue = new ArrayDeque<>();
  private final Set<String> dirty = new HashSet<>();
  private final Set<String> processing = new HashSet<>();
  private final Map<String, Integer> failures = new HashMap<>();
  private int activeWorkers;
  private boolean closed;

  public KeyQueue(
      String name,
      ToLongFunction<String> reconcile,
      Executor workers,
      ScheduledExecutorService timer,
      int parallelism) {
    this.name = name;
    this.reconcile = reconcile;
    this.workers = workers;
    this.timer = timer;
    this.parallelism = parallelism;
  }

  public String name() {
    return name;
  }

  /** Schedules {@code key} for reconciliation. */
  public void add(String key) {
    synchronized (this) {
      if (closed || !dirty.add(key) || processing.contains(key)) {
        return;
      }
      queue.addLast(key);
      if (activeWorkers >= parallelism) {
        return;
      }
      activeWorkers++;
    }
    workers.execute(this::work);
  }

  /** Schedules {@code key} after {@code millis}. */
  public void addAfter(String key, long millis) {
    if (millis <= 0) {
      add(key);
      return;
    }
    synchronized (this) {
      if (closed) {
        return;
      }
    }
    timer.schedule(() -> add(key), millis, TimeUnit.MILLISECONDS);
  }

  private void work() {
    while (true) {
      String key;
      synchronized (this) {
        key = closed ? null : queue.pollFirst();
        if (key == null) {
          activeWorkers--;
          return;
        }
        dirty.remove(key);
        processing.add(key);
      }
      long again = runOnce(key);
      synchronized (this) {
        processing.remove(key);
        if (dirty.contains(key)) {
          queue.addLast(key);
        }
      }
      if (again >= 0) {
        addAfter(key, again);
      }
    }
  }

  private long runOnce(String key) {
    try {
      long again = reconcile.applyAsLong(key);
      synchronized (this) {
        failures.remove(key);
      }
      return again;
    } catch (RuntimeException e) {
      int n;
      synchronized (this) {
        n = failures.merge(key, 1, Integer::sum);
      }
      long delay = Math.min(MAX_BACKOFF_MS, 20L << Math.min(n, 11));
      LOG.log(
          n > 5 ? Level.INFO : Level.FINE,
          name
              + ": reconcile of "
              + key
              + " failed (attempt "
              + n
              + "), retrying in "
              + delay
              + " ms: "
              + e.getMessage(),
          n > 5 ? null : e);
      return delay;
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    queue.clear();
    dirty.clear();
  }
}
