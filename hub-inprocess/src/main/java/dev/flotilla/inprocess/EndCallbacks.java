package dev.flotilla.inprocess;

import java.util.ArrayList;
import java.util.List;

/**
 * What runs once when an in-process stream ends, from either side: callbacks added before the end
 * wait for it, those added after it run at once. They run on the ending thread, outside any lock.
 */
final class EndCallbacks {
  private final List<Runnable> waiting = new ArrayList<>();
  private boolean ended;

  void add(Runnable r) {
    synchronized (this) {
      if (!ended) {
        waiting.add(r);
        return;
      }
    }
    r.run();
  }

  /** Runs the waiting callbacks the first time it is called; later calls do nothing. */
  void end() {
    List<Runnable> toRun;
    synchronized (this) {
      if (ended) {
        return;
      }
      ended = true;
      toRun = new ArrayList<>(waiting);
      waiting.clear();
    }
    toRun.forEach(Runnable::run);
  }
}
