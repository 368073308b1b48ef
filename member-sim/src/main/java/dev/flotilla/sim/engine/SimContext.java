package dev.flotilla.sim.engine;

import dev.flotilla.apiserver.objects.ResourceStorage;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * What every simulated controller of one member shares: the resources, fresh reads, writes, the
 * event hub, and the threads for all the queues (the member's own, or a fleet's).
 */
public final class SimContext implements AutoCloseable {
  /** Keys of one controller reconciled at once; leaves workers for the others. */
  private static final int PARALLELISM = 4;

  private final String clusterName;
  private final ResourceStorage storage;
  private final Kinds kinds;
  private final ObjectReader reader;
  private final Writes writes;
  private final EventHub events;
  private final SimThreads threads;
  private final boolean ownsThreads;
  private final List<KeyQueue> queues = new ArrayList<>();

  /** A context with threads of its own. */
  public SimContext(String clusterName, ResourceStorage storage) {
    this(clusterName, storage, SimThreads.create("sim-" + clusterName), true);
  }

  /** A context on shared threads, which stay running when it closes. */
  public SimContext(String clusterName, ResourceStorage storage, SimThreads shared) {
    this(clusterName, storage, shared, false);
  }

  private SimContext(
      String clusterName, ResourceStorage storage, SimThreads threads, boolean ownsThreads) {
    this.clusterName = clusterName;
    this.storage = storage;
    this.kinds = Kinds.of(storage.registry());
    this.reader = new ObjectReader(storage.store());
    this.writes = new Writes(storage);
    this.events = new EventHub(storage.store(), reader, threads.workers());
    this.threads = threads;
    this.ownsThreads = ownsThreads;
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
    KeyQueue q = new KeyQueue(name, reconcile, threads.workers(), threads.timer(), PARALLELISM);
    queues.add(q);
    return q;
  }

  @Override
  public synchronized void close() {
    events.close();
    for (KeyQueue q : queues) {
      q.close();
    }
    if (ownsThreads) {
      threads.close();
    }
  }
}
