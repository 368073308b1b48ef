package dev.flotilla.workqueue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * A keyed work queue with client-go's workqueue guarantees: a key added many times while it waits
 * is reconciled once; a key is never reconciled by two workers at once, and a key added while it is
 * being reconciled is reconciled again afterwards; a failed reconcile is retried with per-key
 * exponential backoff; optionally, client-go's metrics (queue wait, work time, retries) per queue
 * name in Micrometer's global registry.
 *
 * <p>Workers drain the queue on a caller-supplied executor, at most {@code parallelism} at once,
 * and give their thread back as soon as no key waits, so many idle queues can share one pool.
 * Modules name their own queue by subclassing it with their backoff and threads.
 */
public class KeyedQueue implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KeyedQueue.class);

  /** Returned by a reconcile that has converged: do not look again. */
  public static final long DONE = -1;

  /** Reconciles one key; returns a delay (ms) to look again, or {@link #DONE}. */
  @FunctionalInterface
  public interface Reconciler {
    /** Throwing means "retry with backoff". */
    long reconcile(String key) throws Exception;
  }

  /**
   * Per-key exponential backoff: {@code min(maxMillis, baseMillis << min(failures, maxShift))}.
   * Retries up to {@code quietRetries} are logged at FINE, later ones at WARNING.
   */
  public record Backoff(long baseMillis, int maxShift, long maxMillis, int quietRetries) {
    long delay(int failures) {
      return Math.min(maxMillis, baseMillis << Math.min(failures, maxShift));
    }
  }

  private final String name;
  private final Reconciler reconciler;
  private final Executor workers;
  private final ScheduledExecutorService timer;
  private final int parallelism;
  private final Backoff backoff;
  private final LinkedHashSet<String> queued = new LinkedHashSet<>();
  private final Set<String> running = new HashSet<>();
  private final Set<String> dirty = new HashSet<>();
  private final Set<String> coalescing = new HashSet<>();
  private final Map<String, Integer> failures = new HashMap<>();

  /** When each waiting key was first asked for: its queue wait starts there. */
  private final Map<String, Long> waitingSince = new HashMap<>();

  private final Timer queueDuration;
  private final Timer workDuration;
  private final Counter retries;
  private final Counter workCpu;
  private static final java.lang.management.ThreadMXBean THREADS =
      java.lang.management.ManagementFactory.getThreadMXBean();
  private int activeWorkers;
  private boolean started;
  private volatile boolean closed;

  /**
   * A queue; with {@code started} false, keys wait until {@link #start()} (informers deliver events
   * while their owner is still being built).
   *
   * @param workers runs the drain loops; may be shared with other queues
   * @param timer runs delayed adds; may be shared with other queues
   * @param metrics whether to record client-go's workqueue metrics under {@code name}
   */
  public KeyedQueue(
      String name,
      Reconciler reconciler,
      Executor workers,
      ScheduledExecutorService timer,
      int parallelism,
      Backoff backoff,
      boolean metrics,
      boolean started) {
    this.name = name;
    this.reconciler = reconciler;
    this.workers = workers;
    this.timer = timer;
    this.parallelism = Math.max(1, parallelism);
    this.backoff = backoff;
    this.started = started;
    this.queueDuration =
        metrics ? timer("workqueue.queue.duration", "How long a key waits to be reconciled") : null;
    this.workDuration =
        metrics ? timer("workqueue.work.duration", "How long one reconcile takes") : null;
    this.retries =
        metrics
            ? Counter.builder("workqueue.retries")
                .description("Reconciles that failed and were queued again with backoff")
                .tag("name", name)
                .register(Metrics.globalRegistry)
            : null;
    this.workCpu =
        metrics
            ? Counter.builder("workqueue.work.cpu.seconds")
                .description("CPU time of this queue's reconciles (a restart's catch-up cost)")
                .tag("name", name)
                .register(Metrics.globalRegistry)
            : null;
  }

  private Timer timer(String metric, String description) {
    return Timer.builder(metric)
        .description(description)
        .tag("name", name)
        .publishPercentileHistogram()
        .register(Metrics.globalRegistry);
  }

  public final String name() {
    return name;
  }

  /** Queues a key now; a key already waiting is not queued twice. */
  public final void add(String key) {
    if (closed || key == null) {
      return;
    }
    synchronized (this) {
      if (closed) {
        return;
      }
      waitingSince.putIfAbsent(key, System.nanoTime());
      if (running.contains(key)) {
        dirty.add(key);
        return;
      }
      if (!queued.add(key) || !started) {
        return;
      }
    }
    startWorkerIfNeeded();
  }

  /** Queues a key after {@code millis} (now when not positive). */
  public final void addAfter(String key, long millis) {
    if (closed) {
      return;
    }
    if (millis <= 0) {
      add(key);
      return;
    }
    schedule(() -> add(key), millis);
  }

  /**
   * Queues a key after {@code millis}, once however often it is asked for meanwhile: a burst of
   * events (one per member cluster) becomes one reconcile.
   */
  public void addCoalesced(String key, long millis) {
    if (closed || key == null) {
      return;
    }
    synchronized (this) {
      if (queued.contains(key) || !coalescing.add(key)) {
        return;
      }
    }
    schedule(
        () -> {
          synchronized (this) {
            coalescing.remove(key);
          }
          add(key);
        },
        millis);
  }

  /** Begins reconciling, first everything queued so far. */
  public void start() {
    int pending;
    synchronized (this) {
      started = true;
      pending = queued.size();
    }
    for (int i = 0; i < pending; i++) {
      startWorkerIfNeeded();
    }
  }

  private void schedule(Runnable task, long millis) {
    try {
      timer.schedule(task, millis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // the timer is shutting down with its owner: nothing more is reconciled
    }
  }

  /** Hands one more drain loop to the executor while keys wait and workers are free. */
  private void startWorkerIfNeeded() {
    synchronized (this) {
      if (closed || !started || activeWorkers >= parallelism || activeWorkers >= queued.size()) {
        return;
      }
      activeWorkers++;
    }
    try {
      workers.execute(this::drain);
    } catch (RejectedExecutionException e) {
      synchronized (this) {
        activeWorkers--; // the executor is shutting down with its owner
      }
    }
  }

  /** Reconciles waiting keys until none is left, then gives the thread back. */
  private void drain() {
    while (true) {
      String key;
      Long since;
      long start = System.nanoTime();
      synchronized (this) {
        if (closed || queued.isEmpty()) {
          activeWorkers--;
          if (workCpu != null && running.isEmpty() && !closed) {
            // The last time the queue ran dry: after a restart, when this controller caught up.
            StartupTimeline.latest("drained " + name);
          }
          return;
        }
        key = queued.iterator().next();
        queued.remove(key);
        running.add(key);
        since = waitingSince.remove(key);
      }
      if (since != null && queueDuration != null) {
        queueDuration.record(start - since, TimeUnit.NANOSECONDS);
      }
      long cpuBefore = workCpu == null ? 0 : THREADS.getCurrentThreadCpuTime();
      long again = runOne(key);
      if (workCpu != null) {
        workCpu.increment((THREADS.getCurrentThreadCpuTime() - cpuBefore) / 1e9);
      }
      if (workDuration != null) {
        workDuration.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      }
      synchronized (this) {
        running.remove(key);
        if (dirty.remove(key) && !closed) {
          queued.add(key);
        }
      }
      if (again >= 0) {
        addAfter(key, again);
      }
    }
  }

  private long runOne(String key) {
    try {
      long again = reconciler.reconcile(key);
      synchronized (this) {
        failures.remove(key);
      }
      return again;
    } catch (Exception | Error e) {
      if (closed) {
        return DONE;
      }
      int n;
      synchronized (this) {
        n = failures.merge(key, 1, Integer::sum);
      }
      long delay = backoff.delay(n);
      if (retries != null) {
        retries.increment();
      }
      boolean loud = n > backoff.quietRetries();
      LOG.atLevel(loud ? Level.WARN : Level.DEBUG)
          .setCause(loud ? null : e)
          .log(
              name
                  + ": reconcile of "
                  + key
                  + " failed (attempt "
                  + n
                  + "), retrying in "
                  + delay
                  + " ms: "
                  + e);
      return delay;
    }
  }

  /** Drops waiting keys; reconciles in flight finish, and nothing more starts. Idempotent. */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      queued.clear();
      dirty.clear();
      coalescing.clear();
      waitingSince.clear();
    }
  }
}
