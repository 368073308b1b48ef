package dev.flotilla.apiserver.controllers;

import dev.flotilla.workqueue.KeyedQueue;
import dev.flotilla.workqueue.Pools;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.Function;

/**
 * The shared {@link KeyedQueue} with one worker, for the server's own controllers: handlers only
 * add keys, the reconcile function runs one key at a time and returns a delay (ms) to look again,
 * or a negative number when done. Failures retry with exponential backoff per key.
 */
public final class WorkQueue implements AutoCloseable {
  /**
   * 100 ms doubling to 30 s; retries are expected here (a namespace still terminating), so quiet.
   */
  private static final KeyedQueue.Backoff BACKOFF =
      new KeyedQueue.Backoff(50, 10, 30_000, Integer.MAX_VALUE);

  private final ScheduledThreadPoolExecutor executor;
  private final KeyedQueue queue;

  public WorkQueue(String name, Function<String, Long> reconcile) {
    // An idle queue gives its thread back: a process hosting many simulated members holds one
    // queue per controller per member, and most of them are idle nearly all the time.
    this.executor = Pools.scheduled(name, 1, 10);
    this.queue =
        new KeyedQueue(name, reconcile::apply, executor, executor, 1, BACKOFF, false, true);
  }

  public void add(String key) {
    queue.add(key);
  }

  public void addAfter(String key, long millis) {
    queue.addAfter(key, millis);
  }

  @Override
  public void close() {
    queue.close();
    executor.shutdownNow();
  }
}
