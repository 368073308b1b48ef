package dev.flotilla.workqueue;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Thread pools for queues that own their threads: daemon threads that go away when idle. */
public final class Pools {
  private Pools() {}

  /** Up to {@code threads} workers named after the queue, released after {@code idleSeconds}. */
  public static ThreadPoolExecutor workers(String name, int threads, long idleSeconds) {
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            Math.max(1, threads),
            Math.max(1, threads),
            idleSeconds,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            daemon(name + "-worker-"));
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /** A scheduled pool of daemon threads named {@code name}, released after {@code idleSeconds}. */
  public static ScheduledThreadPoolExecutor scheduled(String name, int threads, long idleSeconds) {
    ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(threads, daemon(name));
    if (idleSeconds > 0) {
      pool.setKeepAliveTime(idleSeconds, TimeUnit.SECONDS);
      pool.allowCoreThreadTimeOut(true);
    }
    return pool;
  }

  private static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix.endsWith("-") ? prefix + n.incrementAndGet() : prefix);
      t.setDaemon(true);
      return t;
    };
  }
}
