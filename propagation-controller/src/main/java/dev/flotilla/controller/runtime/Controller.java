package dev.flotilla.controller.runtime;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A work queue with workers, as client-go's: keys are deduplicated while queued, a key is never
 * reconciled by two workers at once (a key changed meanwhile is reconciled again afterwards), and
 * failures back off per key from 5 ms to 30 s. It records client-go's workqueue metrics (queue
 * wait, reconcile time, retries) per controller name in Micrometer's global registry.
 */
public final class Controller implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Controller.class.getName());
  private static final long MAX_BACKOFF_MS = 30_000;
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

  private final String name;
  private final Reconciler reconciler;
  private final ScheduledExecutorService executor;
  private final Set<String> queued = new LinkedHashSet<>();
  private final Set<String> running = new HashSet<>();
  private final Set<String> dirty = new HashSet<>();
  private final Map<String, Integer> failures = new HashMap<>();
  private final Set<String> coalescing = new HashSet<>();

  /** When each waiting key was first asked for (guarded by this): its queue wait starts there. */
  private final Map<String, Long> waitingSince = new HashMap<>();

  private final Timer queueDuration;
  private final Timer workDuration;
  private final Counter retries;
  private volatile boolean stopped;

  /**
   * Keys queued before start wait: informers deliver events while their owner is still being built.
   */
  private boolean started;

  public Controller(String name, Reconciler reconciler, int workers) {
    this.name = name;
    this.reconciler = reconciler;
    this.queueDuration = timer("workqueue.queue.duration", "How long a key waits to be reconciled");
    this.workDuration = timer("workqueue.work.duration", "How long one reconcile takes");
    this.retries =
        Counter.builder("workqueue.retries")
            .description("Reconciles that failed and were queued again with backoff")
            .tag("name", name)
            .register(Metrics.globalRegistry);
    this.executor =
        Executors.newScheduledThreadPool(
            workers,
            r -> {
              Thread t = new Thread(r, name);
              t.setDaemon(true);
              return t;
            });
  }

  private Timer timer(String metric, String description) {
    return Timer.builder(metric)
        .description(description)
        .tag("name", name)
        .publishPercentileHistogram()
        .register(Metrics.globalRegistry);
  }

  public String name() {
    return name;
  }

  /** Queues a key; a no-op if it is already queued. */
  public void enqueue(String key) {
    if (stopped || key == null) {
      return;
    }
    synchronized (this) {
      waitingSince.putIfAbsent(key, System.nanoTime());
      if (running.contains(key)) {
        dirty.add(key);
        return;
      }
      if (!queued.add(key) || !started) {
        return;
      }
    }
    submit(() -> process(key));
  }

  /** Begins reconciling, first everything queued so far. */
  public void start() {
    java.util.List<String> pending;
    synchronized (this) {
      started = true;
      pending = new java.util.ArrayList<>(queued);
    }
    for (String key : pending) {
      submit(() -> process(key));
    }
  }

  public void enqueueAfter(String key, Duration delay) {
    if (!stopped) {
      schedule(() -> enqueue(key), delay);
    }
  }

  /**
   * Queues a key after {@code window}, once however often it is asked for meanwhile: a burst of
   * status events (one per member cluster) becomes one reconcile.
   */
  public void enqueueCoalesced(String key, Duration window) {
    if (stopped || key == null) {
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
          enqueue(key);
        },
        window);
  }

  /** Work handed in while {@link #close()} runs is dropped: a closed controller does nothing. */
  private void submit(Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      // closed
    }
  }

  private void schedule(Runnable task, Duration delay) {
    try {
      executor.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // closed
    }
  }

  private void process(String key) {
    long start = System.nanoTime();
    Long since;
    synchronized (this) {
      queued.remove(key);
      running.add(key);
      since = waitingSince.remove(key);
    }
    if (since != null) {
      queueDuration.record(start - since, TimeUnit.NANOSECONDS);
    }
    Duration again = null;
    try {
      again = reconciler.reconcile(key).requeueAfter();
      synchronized (this) {
        failures.remove(key);
      }
    } catch (Exception | Error e) {
      int n;
      synchronized (this) {
        n = failures.merge(key, 1, Integer::sum);
      }
      again = Duration.ofMillis(Math.min(MAX_BACKOFF_MS, 5L << Math.min(n, 20)));
      retries.increment();
      LOG.log(
          n > 3 ? Level.WARNING : Level.FINE,
          name + ": reconcile " + key + " failed (attempt " + n + "): " + e.getMessage(),
          n > 3 ? e : null);
    } finally {
      workDuration.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      boolean rerun;
      synchronized (this) {
        running.remove(key);
        rerun = dirty.remove(key);
      }
      if (rerun) {
        enqueue(key);
      }
    }
    if (again != null) {
      enqueueAfter(key, again);
    }
  }

  /**
   * Stops the workers and waits (a bounded time) for reconciles in flight, so that a replica which
   * lost its lease stops writing before another one starts; idempotent.
   */
  @Override
  public void close() {
    stopped = true;
    executor.shutdownNow();
    try {
      if (!executor.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warning(name + ": a reconcile did not stop within " + CLOSE_WAIT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
