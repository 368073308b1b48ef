package dev.flotilla.apiserver.it;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tells an event loop held by code (computing, or waiting on a lock, a sleep, a future) from one
 * the operating system did not schedule: on a machine shared with other builds, a loop can sit
 * runnable for 100 ms without running. Samples each event loop's CPU time every few milliseconds,
 * so that for a blocked-loop report the CPU the loop used since the task began is known.
 */
final class LoopCpuSampler implements AutoCloseable {
  private record Sample(long wallNanos, long cpuNanos) {}

  private static final long PERIOD_MILLIS = 5;
  private static final int KEEP = 400; // two seconds of samples per loop

  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final Map<Long, ArrayDeque<Sample>> history = new ConcurrentHashMap<>();
  private final Thread sampler;
  private volatile boolean running = true;

  LoopCpuSampler() {
    sampler = new Thread(this::run, "loop-cpu-sampler");
    sampler.setDaemon(true);
    sampler.start();
  }

  private void run() {
    while (running) {
      for (Thread t : Thread.getAllStackTraces().keySet()) {
        if (t.getName().contains("eventloop")) {
          long cpu = threads.getThreadCpuTime(t.getId());
          ArrayDeque<Sample> h = history.computeIfAbsent(t.getId(), id -> new ArrayDeque<>());
          synchronized (h) {
            h.addLast(new Sample(System.nanoTime(), cpu));
            if (h.size() > KEEP) {
              h.removeFirst();
            }
          }
        }
      }
      try {
        Thread.sleep(PERIOD_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /**
   * True when a loop reported blocked for {@code durationNanos} was held by code: it was waiting
   * (not runnable), or it used at least {@code minCpuNanos} of CPU since the task began (an
   * estimate from the last sample before then, so it can only err towards "held").
   */
  boolean heldByCode(Thread loop, long durationNanos, long minCpuNanos) {
    if (loop.getState() != Thread.State.RUNNABLE) {
      return true;
    }
    long now = System.nanoTime();
    long cpuNow = threads.getThreadCpuTime(loop.getId());
    ArrayDeque<Sample> h = history.get(loop.getId());
    if (h == null) {
      return true;
    }
    Sample before = null;
    synchronized (h) {
      for (Sample s : h) {
        if (s.wallNanos() <= now - durationNanos) {
          before = s;
        }
      }
    }
    return before == null || cpuNow - before.cpuNanos() >= minCpuNanos;
  }

  @Override
  public void close() {
    running = false;
    sampler.interrupt();
  }
}
