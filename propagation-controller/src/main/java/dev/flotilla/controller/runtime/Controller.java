package dev.flotilla.controller.runtime;

import dev.flotilla.workqueue.KeyedQueue;
import dev.flotilla.workqueue.Pools;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A controller's queue and workers: the shared {@link KeyedQueue} (keys deduplicated while queued,
 * never reconciled by two workers at once, failures backing off per key from 10 ms to 30 s) on
 * {@code workers} threads of its own, recording client-go's workqueue metrics (queue wait,
 * reconcile time, retries) per controller name in Micrometer's global registry.
 */
public final class Controller implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Controller.class);
  private static final KeyedQueue.Backoff BACKOFF = new KeyedQueue.Backoff(5, 20, 30_000, 3);
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

  private final String name;
  private final ScheduledExecutorService executor;
  private final KeyedQueue queue;
  private final Precedence precedence;

  public Controller(String name, Reconciler reconciler, int workers) {
    this(name, reconciler, workers, null);
  }

  /**
   * A controller whose new objects ({@link #enqueueArrival}) hold the fan-out back until their
   * first reconcile ({@link Precedence}); null for none.
   */
  public Controller(String name, Reconciler reconciler, int workers, Precedence precedence) {
    this.name = name;
    this.precedence = precedence;
    // Idle workers go after a minute: each holds a thread stack (100-200 KiB touched), and a hub
    // at rest needs few of its hundred-odd controller threads.
    this.executor = Pools.scheduled(name, workers, 60);
    // Keys queued before start wait: informers deliver events while their owner is being built.
    this.queue =
        new KeyedQueue(
            name,
            key -> {
              try {
                Duration again = reconciler.reconcile(key).requeueAfter();
                return again == null ? KeyedQueue.DONE : again.toMillis();
              } finally {
                if (precedence != null && precedence.waiting()) {
                  precedence.placed(name + "|" + key);
                }
              }
            },
            executor,
            executor,
            workers,
            BACKOFF,
            true,
            false);
  }

  public String name() {
    return name;
  }

  /** Queues a key; a no-op if it is already queued. */
  public void enqueue(String key) {
    queue.add(key);
  }

  /**
   * Queues the key of an object that has just appeared: with a {@link Precedence}, Work writes
   * yield to it until its first reconcile ends.
   */
  public void enqueueArrival(String key) {
    if (precedence != null && key != null) {
      precedence.arrived(name + "|" + key);
    }
    queue.add(key);
  }

  /** Begins reconciling, first everything queued so far. */
  public void start() {
    queue.start();
  }

  public void enqueueAfter(String key, Duration delay) {
    queue.addAfter(key, delay.toMillis());
  }

  /**
   * Queues a key after {@code window}, once however often it is asked for meanwhile: a burst of
   * status events (one per member cluster) becomes one reconcile.
   */
  public void enqueueCoalesced(String key, Duration window) {
    queue.addCoalesced(key, window.toMillis());
  }

  /**
   * Stops the workers and waits (a bounded time) for reconciles in flight, so that a replica which
   * lost its lease stops writing before another one starts; idempotent.
   */
  @Override
  public void close() {
    queue.close();
    executor.shutdownNow();
    try {
      if (!executor.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn(name + ": a reconcile did not stop within " + CLOSE_WAIT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
