package dev.flotilla.agent.kube;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
  private final LinkedHashSet<String> ready = new LinkedHashSet<>();
  private final Set<String> running = new HashSet<>();
  private final Set<String> dirtyWhileRunning = new HashSet<>();
  private final Map<String, Integer> failures = new HashMap<>();
  private final List<Thread> workers = new ArrayList<>();
  private final ScheduledExecutorService delays;
  private volatile boolean closed;

  public KeyedWorkQueue(String name, int workerCount, Reconciler reconciler) {
    this.name = name;
    this.reconciler = reconciler;
    this.delays = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, name + "-delays"));
    for (int i = 0; i < workerCount; i++) {
      Thread t = daemon(this::work, name + "-worker-" + i);
      workers.add(t);
      t.start();
    }
  }

  private static Thread daemon(Runnable r, String threadName) {
    Thread t = new Thread(r, threadName);
    t.setDaemon(true);
    return t;
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
        ready.notify();
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
    delays.schedule(() -> add(key), millis, TimeUnit.MILLISECONDS);
  }

  private void work() {
    while (!closed) {
      String key;
      synchronized (ready) {
        while (ready.isEmpty() && !closed) {
          try {
            ready.wait();
          } catch (InterruptedException e) {
            return;
          }
        }
        if (closed) {
          return;
        }
        key = ready.iterator().next();
        ready.remove(key);
        running.add(key);
      }
      long again = runOne(key);
      synchronized (ready) {
        running.remove(key);
        if (dirtyWhileRunning.remove(key) && ready.add(key)) {
          ready.notify();
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
    delays.shutdownNow();
    for (Thread t : workers) {
      t.interrupt();
    }
  }
}
