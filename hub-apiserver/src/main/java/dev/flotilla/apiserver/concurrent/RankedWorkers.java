package dev.flotilla.apiserver.concurrent;

import java.util.concurrent.Executor;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The API workers, with two lanes: urgent tasks run before every ordinary task already queued, each
 * lane in submission order. Lease renewals are urgent, as kube-apiserver's API Priority and
 * Fairness gives leader election and node heartbeats their own level: a Cluster's lease that waits
 * behind a thousand Work writes lapses, and the cluster flips to not Ready.
 *
 * <p>A request makes several hops through the pool (routing, then the continuation after each store
 * write). A task submitted while an urgent task runs is urgent too; a continuation that a store
 * thread submits keeps its rank when the request chose its executor with {@link
 * #keepingRank(Executor)} while it ran.
 */
public final class RankedWorkers extends ThreadPoolExecutor {
  /** Whether the task running on this thread is urgent. */
  private static final ThreadLocal<Boolean> URGENT_NOW = ThreadLocal.withInitial(() -> false);

  private final AtomicLong order = new AtomicLong();
  private final Executor urgent = task -> super.execute(rank(task, true));

  public RankedWorkers(int threads, ThreadFactory threadFactory) {
    super(threads, threads, 0, TimeUnit.MILLISECONDS, new PriorityBlockingQueue<>(), threadFactory);
  }

  @Override
  public void execute(Runnable task) {
    super.execute(task instanceof Ranked ? task : rank(task, URGENT_NOW.get()));
  }

  /** This pool's urgent lane. */
  public Executor urgent() {
    return urgent;
  }

  /** {@code pool}'s urgent lane when it has one, else {@code pool} itself. */
  public static Executor urgentLane(Executor pool) {
    return pool instanceof RankedWorkers ranked ? ranked.urgent() : pool;
  }

  /**
   * {@code pool}, or its urgent lane when the calling task is urgent: for continuations that
   * another thread (a store's) submits later, so they keep the rank of the request they continue.
   */
  public static Executor keepingRank(Executor pool) {
    return URGENT_NOW.get() ? urgentLane(pool) : pool;
  }

  private Ranked rank(Runnable task, boolean isUrgent) {
    return new Ranked(task, isUrgent, order.getAndIncrement());
  }

  /** A task with its lane and its place in submission order. */
  private record Ranked(Runnable task, boolean urgent, long order)
      implements Runnable, Comparable<Ranked> {
    @Override
    public void run() {
      boolean outer = URGENT_NOW.get();
      URGENT_NOW.set(urgent);
      try {
        task.run();
      } finally {
        URGENT_NOW.set(outer);
      }
    }

    @Override
    public int compareTo(Ranked other) {
      if (urgent != other.urgent) {
        return urgent ? -1 : 1;
      }
      return Long.compare(order, other.order);
    }
  }
}
