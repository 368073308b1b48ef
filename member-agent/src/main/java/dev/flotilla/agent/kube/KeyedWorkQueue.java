package dev.flotilla.agent.kube;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A deduplicating key queue in the manner of client-go's workqueue: handlers only add keys, a key
 * waits at most once, one reconcile per key runs at a time (a key added while it runs is reconciled
 * again afterwards), and failures retry with per-key exponential backoff.
 */
public final class KeyedWorkQueue implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(KeyedWorkQueue.class.getName());
  private static final long BASE_BACKOFF_MS = 100;
  private static final long MAX_BACKOFF_MS = 30_000;

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

  private final String name;
  private final Reconciler reconciler;
  private final int workerCount;
  private final LinkedHashSet<String> ready = new LinkedHashSet<>();
  private final Set<String> running = new HashSet<>();
  private final Set<String> dirtyWhileRunning = new HashSet<>();
  private final Map<String, Integer> failures = new HashMap<>();
  private final ExecutorService executor;
  private final boolean ownExecutor;
  private int draining; // drain tasks handed to the executor and not yet finished
  private volatile boolean closed;

  /**
   * A queue with up to {@code workerCount} threads of its own, started when keys arrive and gone
   * after a minute without work, so an idle agent holds none.
   */
  public KeyedWorkQueue(String name, int workerCount, Reconciler reconciler) {
    this(name, workerCount, reconciler, ownThreads(name, workerCount), true);
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
    this.name = name;
    this.reconciler = reconciler;
    this.workerCount = Math.max(1, workerCount);
    this.executor = executor;
    this.ownExecutor = ownExecutor;
  }

  private static ExecutorService ownThreads(String name, int workerCount) {
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            Math.max(1, workerCount),
            Math.max(1, workerCount),
            60,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, name + "-worker-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /** Queues a key now; a key already waiting is not queued twice. */
  public void add(String key) {
    synchronized (ready) {
      if (closed) {
        return;
      }
      if (running.contains(key)) {
        dirtyWhileRunning.add(key);
        return;
      }
      if (ready.add(key)) {
        startDrainIfNeeded();
      }
    }
  }

  /** Hands one more drain task to the executor while keys wait and workers are free. */
  private void startDrainIfNeeded() {
    if (draining < workerCount && draining < ready.size() + running.size()) {
      draining++;
      try {
        executor.execute(this::drain);
      } catch (RejectedExecutionException e) {
        draining--; // the shared executor is shutting down with the process
      }
    }
  }

  /** Queues a key after a delay. */
  public void addAfter(String key, long millis) {
    if (closed) {
      return;
    }
    if (millis <= 0) {
      add(key);
      return;
    }
    DELAYS.schedule(() -> add(key), millis, TimeUnit.MILLISECONDS);
  }

  /** Reconciles waiting keys until none is left, then gives the thread back. */
  private void drain() {
    while (true) {
      String key;
      synchronized (ready) {
        if (closed || ready.isEmpty()) {
          draining--;
          return;
        }
        key = ready.iterator().next();
        ready.remove(key);
        running.add(key);
      }
      long again = runOne(key);
      synchronized (ready) {
        running.remove(key);
        if (dirtyWhileRunning.remove(key) && !closed) {
          ready.add(key);
        }
      }
      if (again >= 0) {
        addAfter(key, again);
      }
    }
  }

  private long runOne(String key) {
    try {
      Result result = reconciler.reconcile(key);
      synchronized (failures) {
        failures.remove(key);
      }
      return result.requeueAfterMillis();
    } catch (Exception | Error e) {
      if (closed) {
        return -1;
      }
      int n;
      synchronized (failures) {
        n = failures.merge(key, 1, Integer::sum);
      }
      long delay = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS << Math.min(n - 1, 20));
      LOG.log(
          n > 3 ? Level.WARNING : Level.FINE,
          name
              + ": reconcile of "
              + key
              + " failed (attempt "
              + n
              + "), retrying in "
              + delay
              + " ms: "
              + e,
          n > 3 ? null : e);
      return delay;
    }
  }

  @Override
  public void close() {
    synchronized (ready) {
      closed = true;
      ready.clear();
      ready.notifyAll();
    }
    if (ownExecutor) {
      executor.shutdownNow();
    }
  }
}
