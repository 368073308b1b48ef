package dev.flotilla.agent;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads that many agents in one process share (a simulated fleet runs hundreds of agents in one
 * JVM): one timer thread that only schedules, a small pool for lease renewals alone, and a bounded
 * pool where the other periodic loops (registration, cluster status), Work reconciles and MCS
 * reconciles run. A real member's agent is alone in its process and runs on threads of its own (see
 * {@link MemberAgent#MemberAgent(AgentConfig)}).
 */
public final class AgentThreads implements AutoCloseable {
  private final ScheduledExecutorService timer;
  private final ExecutorService workers;
  private final ExecutorService heartbeats;

  private AgentThreads(int workers) {
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "agents-timer");
              t.setDaemon(true);
              return t;
            });
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            workers,
            workers,
            60,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "agents-worker-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    pool.allowCoreThreadTimeOut(true);
    this.workers = pool;
    // Renewals wait on the hub, not on a core: a thousand agents renew 100 times a second.
    this.heartbeats = pool("agents-heartbeat", 16);
  }

  private static ExecutorService pool(String name, int threads) {
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            60,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, name + "-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /** A shared set with {@code workers} pool threads (they block on HTTP, so more than cores). */
  public static AgentThreads shared(int workers) {
    return new AgentThreads(Math.max(2, workers));
  }

  /** Only schedules: tasks it fires hand their work to {@link #workers()}. */
  public ScheduledExecutorService timer() {
    return timer;
  }

  public ExecutorService workers() {
    return workers;
  }

  /**
   * Lease renewals only: one request each, never queued behind Work reconciles or status syncs (in
   * a 1,000-cluster run, renewals waiting in the shared pool let leases expire).
   */
  public ExecutorService heartbeats() {
    return heartbeats;
  }

  @Override
  public void close() {
    timer.shutdownNow();
    workers.shutdownNow();
    heartbeats.shutdownNow();
  }
}
