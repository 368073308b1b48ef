package dev.flotilla.apiserver.concurrent;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time and in submission order on a shared pool, without a thread of its own:
 * one watch's events encoded on the API workers, one simulated member's store events.
 */
public final class SerialExecutor implements Executor {
  private static final Logger LOG = LoggerFactory.getLogger(SerialExecutor.class);

  /** Tasks run per turn before the pool gets its thread back, so one busy user cannot hog it. */
  private static final int BATCH = 64;

  private final Executor pool;
  private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
  private boolean scheduled;

  public SerialExecutor(Executor pool) {
    this.pool = pool;
  }

  @Override
  public void execute(Runnable task) {
    synchronized (this) {
      tasks.add(task);
      if (scheduled) {
        return;
      }
      scheduled = true;
    }
    pool.execute(this::drain);
  }

  private void drain() {
    for (int i = 0; i < BATCH; i++) {
      Runnable next;
      synchronized (this) {
        next = tasks.poll();
        if (next == null) {
          scheduled = false;
          return;
        }
      }
      try {
        next.run();
      } catch (RuntimeException e) {
        LOG.warn("a serial task failed", e);
      }
    }
    pool.execute(this::drain); // more to do: queue behind other work
  }
}
