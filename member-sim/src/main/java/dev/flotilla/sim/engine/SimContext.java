package dev.flotilla.sim.engine;

import dev.flotilla.apiserver.objects.ResourceStorage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToLongFunction;

/**
 * What every simulated controller of one member shares: the resources, fresh reads, writes, the
 * event hub, and one worker pool for all the queues.
 */
public final class SimContext implements AutoCloseable {
  private static final int WORKER_THREADS = 16;

  /** Keys of one controller reconciled at once; leaves workers for the others. */
  private static final int PARALLELISM = 4;

  private final String clusterName;
  private final ResourceStorage storage;
  private final Kinds kinds;
  private final ObjectReader reader;
  private final Writes writes;
  private final EventHub events;
  private final ThreadPoolExecutor workers;
  private final ScheduledExecutorService timer;
  private final List<KeyQueue> queues = new ArrayList<>();

  public SimContext(String clusterName, ResourceStorage storage) {
    this.clusterName = clusterName;
    this.storage = storage;
    this.kinds = Kinds.of(storage.registry());
    this.reader = new ObjectReader(storage.store());
    this.writes = new Writes(storage);
    this.events = new EventHub("sim-" + clusterName, storage.store(), reader);
    this.workers =
        new ThreadPoolExecutor(
            WORKER_THREADS,
            WORKER_THREADS,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            daemon("sim-" + clusterName + "-worker"));
    this.workers.allowCoreThreadTimeOut(true);
    this.timer =
        Executors.newSingleThreadScheduledExecutor(daemon("sim-" + clusterName + "-timer"));
  }

  private static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  public String clusterName() {
    return clusterName;
  }

  public ResourceStorage storage() {
    return storage;
  }

  public Kinds kinds() {
    return kinds;
  }

  public ObjectReader reader() {
    return reader;
  }

  public Writes writes() {
    return writes;
  }

  public EventHub events() {
    return events;
  }

  /** A queue on the shared workers, closed with this context. */
  public synchronized KeyQueue queue(String name, ToLongFunction<String> reconcile) {
    KeyQueue q = new KeyQueue(name, reconcile, workers, timer, PARALLELISM);
    queues.add(q);
    return q;
  }

  @Override
  public synchronized void close() {
    events.close();
    for (KeyQueue q : queues) {
      q.close();
    }
    timer.shutdownNow();
    workers.shutdownNow();
  }
}
