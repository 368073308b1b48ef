package dev.flotilla.controller.runtime;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the tasks of one key in the order they were given, one at a time, on a shared pool; tasks of
 * different keys run side by side. {@link EventRecorder} gives each series its own key, so the
 * series' writes and the delete that resolves it reach the hub in order (a delete overtaken by the
 * create of a new series under the same Event name would remove the new Event), while no recording
 * thread waits for any of them.
 */
final class SeriesStrands {
  private static final Logger LOG = LoggerFactory.getLogger(SeriesStrands.class);

  private final Executor pool;

  /** Tasks given and not yet ended, in every instance: the Event writes the hubs still owe. */
  private static final java.util.concurrent.atomic.AtomicLong OWED =
      new java.util.concurrent.atomic.AtomicLong();

  /** Keys with a task running or queued: their tasks not yet started. */
  private final Map<String, ArrayDeque<Runnable>> waiting = new ConcurrentHashMap<>();

  SeriesStrands(Executor pool) {
    this.pool = pool;
  }

  /** Runs {@code task} after every task given earlier for {@code key}. */
  void execute(String key, Runnable task) {
    OWED.incrementAndGet();
    boolean[] start = {false};
    waiting.compute(
        key,
        (k, q) -> {
          if (q == null) {
            q = new ArrayDeque<>();
            start[0] = true;
          }
          q.add(task);
          return q;
        });
    if (start[0]) {
      try {
        pool.execute(() -> drain(key));
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // The pool is shut (its hub client closed): drop the key's tasks, or the key would stay
        // taken and every later task for it would queue behind a drain that never runs.
        ArrayDeque<Runnable> dropped = waiting.remove(key);
        OWED.addAndGet(-(dropped == null ? 1 : dropped.size()));
        LOG.debug("event writers closed: {} dropped", key);
      }
    }
  }

  /** Tasks given to any instance and not yet ended. */
  static long owed() {
    return OWED.get();
  }

  private void drain(String key) {
    while (true) {
      Runnable[] next = {null};
      // The key stays while its task runs, so tasks given meanwhile queue behind it.
      waiting.compute(
          key,
          (k, q) -> {
            next[0] = q.poll();
            return next[0] == null ? null : q;
          });
      if (next[0] == null) {
        return;
      }
      try {
        next[0].run();
      } catch (RuntimeException | Error e) {
        // Even an Error ends only this task: leaving the loop would leave the key taken, and the
        // series would never be written again.
        LOG.warn("event write task failed", e);
      } finally {
        OWED.decrementAndGet();
      }
    }
  }
}
