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

  /**
   * The one order of every hub client's recorders in this process. A series' key names its object
   * by uid, so it is one hub's; when that hub's controllers start over on a new client (a lost and
   * regained lease), the new client's delete of a series still waits for the old client's create of
   * it, instead of overtaking it and leaving a resolved Failed Event behind.
   */
  static final Map<String, ArrayDeque<Entry>> PROCESS_ORDER = new ConcurrentHashMap<>();

  /** A task and the pool it runs on (the pool of the client that gave it). */
  record Entry(Runnable task, Executor pool) {}

  private final Executor pool;

  /** Tasks given and not yet ended, in every instance: the Event writes the hubs still owe. */
  private static final java.util.concurrent.atomic.AtomicLong OWED =
      new java.util.concurrent.atomic.AtomicLong();

  /** Keys with a task running or queued: their tasks not yet started, in the order shared. */
  private final Map<String, ArrayDeque<Entry>> waiting;

  /** Strands ordered among themselves only (tests). */
  SeriesStrands(Executor pool) {
    this(pool, new ConcurrentHashMap<>());
  }

  /** Strands running on {@code pool}, ordered with every other instance sharing {@code order}. */
  SeriesStrands(Executor pool, Map<String, ArrayDeque<Entry>> order) {
    this.pool = pool;
    this.waiting = order;
  }

  /** Runs {@code task}, on this instance's pool, after every task given earlier for {@code key}. */
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
          q.add(new Entry(task, pool));
          return q;
        });
    if (start[0]) {
      startOn(pool, key);
    }
  }

  /** Tasks given to any instance and not yet ended. */
  static long owed() {
    return OWED.get();
  }

  /**
   * Drains {@code key} on {@code on}, whose task is at its head; a pool that is shut (its hub
   * client closed) has its task dropped and the next one is started, or the key would stay taken
   * and every later task for it would queue for good.
   */
  private void startOn(Executor on, String key) {
    Executor next = on;
    while (next != null) {
      Executor pool = next;
      try {
        pool.execute(() -> drain(key, pool));
        return;
      } catch (java.util.concurrent.RejectedExecutionException e) {
        OWED.decrementAndGet();
        LOG.debug("event writers closed: a task of {} dropped", key);
        next = dropHead(key);
      }
    }
  }

  /** Drops the key's head task; returns the pool of the one after it, or null (key released). */
  private Executor dropHead(String key) {
    Executor[] after = {null};
    waiting.compute(
        key,
        (k, q) -> {
          if (q == null) {
            return null;
          }
          q.poll();
          Entry head = q.peek();
          if (head == null) {
            return null;
          }
          after[0] = head.pool();
          return q;
        });
    return after[0];
  }

  /** Runs the key's tasks while they are {@code on}'s; a task of another pool is handed to it. */
  private void drain(String key, Executor on) {
    while (true) {
      Entry[] next = {null};
      Executor[] handOver = {null};
      // The key stays while its task runs, so tasks given meanwhile queue behind it.
      waiting.compute(
          key,
          (k, q) -> {
            Entry head = q == null ? null : q.peek();
            if (head == null) {
              return null;
            }
            if (head.pool() != on) {
              handOver[0] = head.pool();
              return q;
            }
            next[0] = q.poll();
            return q;
          });
      if (handOver[0] != null) {
        startOn(handOver[0], key);
        return;
      }
      if (next[0] == null) {
        return;
      }
      try {
        next[0].task().run();
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
