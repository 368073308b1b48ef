package dev.flotilla.apiserver.concurrent;

import java.util.concurrent.Executor;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The API workers, with four lanes: urgent tasks run before every other task already queued,
 * control-plane tasks before the ordinary and bulk tasks queued up to {@link #CONTROL_LEAD}
 * submissions before them, bulk tasks after the ordinary tasks queued up to {@link #BULK_HANDICAP}
 * submissions after them, each lane in submission order. Lease renewals are urgent, as
 * kube-apiserver's API Priority and Fairness gives leader election and node heartbeats their own
 * level: a Cluster's lease that waits behind a thousand Work writes lapses, and the cluster flips
 * to not Ready. Works are bulk: a binding fans out to a Work per cluster, and the binding and
 * schedule writes of the next templates (four per template) waited behind a hundred Work writes
 * each, so a burst's bindings were scheduled no faster than the Works of earlier ones were written.
 * The hub's own controllers' other requests are control-plane, as APF gives kube-controller-manager
 * and the scheduler a level above ordinary workloads: a binding's placement and status writes (four
 * per template) otherwise queued behind a hundred agents' Work status writes each.
 *
 * <p>A request makes several hops through the pool (routing, then the continuation after each store
 * write). A task submitted while an urgent or bulk task runs takes its rank; a continuation that a
 * store thread submits keeps its rank when the request chose its executor with {@link
 * #keepingRank(Executor)} while it ran.
 */
public final class RankedWorkers extends ThreadPoolExecutor {
  /**
   * How many later submissions of ordinary tasks a bulk task lets pass: a bounded wait, so bulk
   * tasks are never starved by a steady stream of ordinary ones.
   */
  static final long BULK_HANDICAP = 512;

  /**
   * How many earlier submissions of ordinary (and bulk) tasks a control-plane task passes: ahead of
   * any queue a burst builds, yet a bounded lead, so a controller that writes without pause cannot
   * starve the agents.
   */
  static final long CONTROL_LEAD = 1024;

  private static final int URGENT = 0;
  private static final int CONTROL = 1;
  private static final int ORDINARY = 2;
  private static final int BULK = 3;

  /** The rank of the task running on this thread. */
  private static final ThreadLocal<Integer> RANK_NOW = ThreadLocal.withInitial(() -> ORDINARY);

  /** The lanes' names, by rank, as the metrics label them. */
  public static final java.util.List<String> LANES =
      java.util.List.of("urgent", "control", "ordinary", "bulk");

  private final AtomicLong order = new AtomicLong();

  /** Per rank: tasks started, and the nanoseconds they waited in the queue. */
  private final LongAdder[] started = adders();

  private final LongAdder[] waited = adders();
  private final Executor urgent = task -> super.execute(rank(task, URGENT));
  private final Executor control = task -> super.execute(rank(task, CONTROL));
  private final Executor bulk = task -> super.execute(rank(task, BULK));

  public RankedWorkers(int threads, ThreadFactory threadFactory) {
    super(threads, threads, 0, TimeUnit.MILLISECONDS, new PriorityBlockingQueue<>(), threadFactory);
  }

  @Override
  public void execute(Runnable task) {
    super.execute(task instanceof Ranked ? task : rank(task, RANK_NOW.get()));
  }

  /** This pool's urgent lane. */
  public Executor urgent() {
    return urgent;
  }

  /** This pool's control-plane lane. */
  public Executor control() {
    return control;
  }

  /** This pool's bulk lane. */
  public Executor bulk() {
    return bulk;
  }

  /** {@code pool}'s urgent lane when it has one, else {@code pool} itself. */
  public static Executor urgentLane(Executor pool) {
    return pool instanceof RankedWorkers ranked ? ranked.urgent() : pool;
  }

  /** {@code pool}'s control-plane lane when it has one, else {@code pool} itself. */
  public static Executor controlLane(Executor pool) {
    return pool instanceof RankedWorkers ranked ? ranked.control() : pool;
  }

  /** {@code pool}'s bulk lane when it has one, else {@code pool} itself. */
  public static Executor bulkLane(Executor pool) {
    return pool instanceof RankedWorkers ranked ? ranked.bulk() : pool;
  }

  /**
   * {@code pool}, or its lane of the calling task's rank: for continuations that another thread (a
   * store's) submits later, so they keep the rank of the request they continue.
   */
  public static Executor keepingRank(Executor pool) {
    return switch (RANK_NOW.get()) {
      case URGENT -> urgentLane(pool);
      case CONTROL -> controlLane(pool);
      case BULK -> bulkLane(pool);
      default -> pool;
    };
  }

  /** Tasks of lane {@code LANES.get(rank)} started so far. */
  public long tasksStarted(int rank) {
    return started[rank].sum();
  }

  /** Seconds the tasks of lane {@code LANES.get(rank)} started so far waited in the queue. */
  public double secondsWaited(int rank) {
    return waited[rank].sum() / 1e9;
  }

  @Override
  protected void beforeExecute(Thread t, Runnable task) {
    if (task instanceof Ranked r) {
      started[r.rank].increment();
      waited[r.rank].add(System.nanoTime() - r.queued);
    }
  }

  private static LongAdder[] adders() {
    LongAdder[] a = new LongAdder[4];
    for (int i = 0; i < a.length; i++) {
      a[i] = new LongAdder();
    }
    return a;
  }

  private Ranked rank(Runnable task, int rank) {
    long n = order.getAndIncrement();
    long place =
        switch (rank) {
          case BULK -> n + BULK_HANDICAP;
          case CONTROL -> n - CONTROL_LEAD;
          default -> n;
        };
    return new Ranked(task, rank, place, System.nanoTime());
  }

  /**
   * A task with its rank and its place in line (submission order, plus the bulk handicap or less
   * the control lead).
   */
  private record Ranked(Runnable task, int rank, long place, long queued)
      implements Runnable, Comparable<Ranked> {
    @Override
    public void run() {
      int outer = RANK_NOW.get();
      RANK_NOW.set(rank);
      try {
        task.run();
      } finally {
        RANK_NOW.set(outer);
      }
    }

    @Override
    public int compareTo(Ranked other) {
      if ((rank == URGENT) != (other.rank == URGENT)) {
        return rank == URGENT ? -1 : 1;
      }
      int byPlace = Long.compare(place, other.place);
      return byPlace != 0 ? byPlace : Integer.compare(rank, other.rank); // by rank, on a tie
    }
  }
}
