package dev.flotilla.sim.engine;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads simulated controllers run on: a worker pool for reconciles and store events, and one
 * timer. One member can have its own; a fleet gives all its members one set, so a hundred members
 * cost the same threads as one.
 */
public final class SimThreads implements AutoCloseable {
  private static final int WORKER_THREADS = 16;

  private final ExecutorService workers;
  private final ScheduledExecutorService timer;

  private SimThreads(String name) {
    // Fixed and never timing out: a steady simulation starts no threads.
    this.workers =
        new ThreadPoolExecutor(
            WORKER_THREADS,
            WORKER_THREADS,
            0,
            TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(),
            daemon(name + "-worker"));
    this.timer = Executors.newSingleThreadScheduledExecutor(daemon(name + "-timer"));
  }

  /** Threads named after {@code name}, e.g. "sim" or "sim-member1". */
  public static SimThreads create(String name) {
    return new SimThreads(name);
  }

  public ExecutorService workers() {
    return workers;
  }

  public ScheduledExecutorService timer() {
    return timer;
  }

  private static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public void close() {
    timer.shutdownNow();
    workers.shutdownNow();
  }
}
