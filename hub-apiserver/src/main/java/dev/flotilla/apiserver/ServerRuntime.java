package dev.flotilla.apiserver;

import dev.flotilla.apiserver.concurrent.RankedWorkers;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.internal.threadchecker.BlockedThreadEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads API servers run on: Vert.x event loops that only move bytes, and a bounded pool of
 * workers for everything that computes (parsing, patching, admission, validation, serializing,
 * storage completions). A hub owns one; simulated members in one process share one, so a hundred of
 * them cost a few threads rather than a few hundred.
 *
 * <p>An event loop that runs one task for longer than the configured maximum is reported: counted
 * (see {@link #blockedEventLoopReports()}), logged with its stack, and passed to listeners (tests
 * use this to fail on any blocked loop).
 */
public final class ServerRuntime implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServerRuntime.class);

  /** How long one event-loop task may run before it is reported, as kube users would notice. */
  public static final long DEFAULT_MAX_EVENT_LOOP_MILLIS = 200;

  private final Vertx vertx;
  private final int eventLoops;
  private final ExecutorService workers;
  private final AtomicLong blockedReports = new AtomicLong();
  private final List<Consumer<BlockedThreadEvent>> listeners = new CopyOnWriteArrayList<>();

  private ServerRuntime(int eventLoops, int workerThreads, long maxEventLoopMillis, String name) {
    this.eventLoops = eventLoops;
    this.vertx =
        Vertx.builder()
            // Listeners learn of each connection before its TLS handshake (the connection cap).
            .withTransport(dev.flotilla.apiserver.http.AcceptHooks.transport())
            .with(
                new VertxOptions()
                    .setEventLoopPoolSize(eventLoops)
                    .setMaxEventLoopExecuteTime(maxEventLoopMillis)
                    .setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS)
                    .setBlockedThreadCheckInterval(Math.max(10, maxEventLoopMillis / 4))
                    .setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS)
                    // Vert.x's own worker pool is unused (requests run on ours): keep it small.
                    .setWorkerPoolSize(2)
                    .setInternalBlockingPoolSize(2))
            .build();
    ((VertxInternal) vertx).blockedThreadChecker().setThreadBlockedHandler(this::blocked);
    AtomicInteger n = new AtomicInteger();
    this.workers =
        new RankedWorkers(
            workerThreads,
            r -> {
              Thread t = new Thread(r, name + "-worker-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * A runtime for one API server: an event loop per core (at least two) and twice as many workers,
   * enough to keep every core busy while some requests wait.
   */
  public static ServerRuntime create() {
    int cores = Runtime.getRuntime().availableProcessors();
    return create(Math.max(2, cores), Math.max(4, 2 * cores), DEFAULT_MAX_EVENT_LOOP_MILLIS);
  }

  /**
   * A runtime with the given sizes; {@code maxEventLoopMillis} is when a loop counts as blocked.
   */
  public static ServerRuntime create(int eventLoops, int workers, long maxEventLoopMillis) {
    return new ServerRuntime(eventLoops, workers, maxEventLoopMillis, "api");
  }

  public Vertx vertx() {
    return vertx;
  }

  /** How many event loops serve HTTP: the server listens once per loop. */
  public int eventLoops() {
    return eventLoops;
  }

  /**
   * Where request work runs, with an urgent lane for leases ({@link RankedWorkers}); never an event
   * loop.
   */
  public ExecutorService workers() {
    return workers;
  }

  /** Times an event loop was seen running one task for longer than allowed. */
  public long blockedEventLoopReports() {
    return blockedReports.get();
  }

  /** Calls {@code listener} for every blocked event loop report (from Vert.x's checker thread). */
  public void onBlockedEventLoop(Consumer<BlockedThreadEvent> listener) {
    listeners.add(listener);
  }

  private void blocked(BlockedThreadEvent event) {
    if (!event.thread().getName().contains("eventloop")) {
      return; // Vert.x's own worker threads; ours are not watched
    }
    blockedReports.incrementAndGet();
    String message =
        "event loop "
            + event.thread().getName()
            + " has run one task for "
            + event.duration() / 1_000_000
            + " ms (limit "
            + event.maxExecTime() / 1_000_000
            + " ms)";
    if (event.duration() > event.warningExceptionTime()) {
      // Long enough to be worth a stack: where the loop is stuck.
      Throwable where = new Throwable("blocked here");
      where.setStackTrace(event.thread().getStackTrace());
      LOG.warn(message, where);
    } else {
      LOG.warn(message);
    }
    listeners.forEach(l -> l.accept(event));
  }

  @Override
  public void close() {
    vertx.close().await();
    workers.shutdownNow();
  }
}
