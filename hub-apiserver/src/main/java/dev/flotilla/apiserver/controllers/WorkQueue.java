package dev.flotilla.apiserver.controllers;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A deduplicating key queue with one worker: handlers only add keys, the reconcile function runs
 * one key at a time and returns a delay (ms) to look again, or a negative number when done.
 * Failures retry with exponential backoff per key.
 */
public final class WorkQueue implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(WorkQueue.class.getName());

  private final String name;
  private final Function<String, Long> reconcile;
  private final ScheduledExecutorService executor;
  private final Set<String> queued = new LinkedHashSet<>();
  private final java.util.Map<String, Integer> failures = new java.util.HashMap<>();

  public WorkQueue(String name, Function<String, Long> reconcile) {
    this.name = name;
    this.reconcile = reconcile;
    // An idle queue gives its thread back: a process hosting many simulated members holds one
    // queue per controller per member, and most of them are idle nearly all the time.
    ScheduledThreadPoolExecutor pool =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, name);
              t.setDaemon(true);
              return t;
            });
    pool.setKeepAliveTime(10, TimeUnit.SECONDS);
    pool.allowCoreThreadTimeOut(true);
    this.executor = pool;
  }

  public void add(String key) {
    synchronized (queued) {
      if (!queued.add(key)) {
        return;
      }
    }
    executor.execute(() -> run(key));
  }

  public void addAfter(String key, long millis) {
    executor.schedule(() -> add(key), millis, TimeUnit.MILLISECONDS);
  }

  private void run(String key) {
    synchronized (queued) {
      queued.remove(key);
    }
    long again;
    try {
      again = reconcile.apply(key);
      failures.remove(key);
    } catch (RuntimeException e) {
      int n = failures.merge(key, 1, Integer::sum);
      again = Math.min(30_000, 50L << Math.min(n, 10));
      LOG.log(
          Level.FINE, name + ": reconcile of " + key + " failed, retrying in " + again + " ms", e);
    }
    if (again >= 0) {
      addAfter(key, again);
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
