package dev.flotilla.bench;

import java.net.http.HttpResponse;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Numbered calls spread over a fixed pool of threads, measured as calls per second. */
final class ParallelCalls {
  /** The call numbered {@code i}; a throw counts as a failed call. */
  interface Call {
    void run(int i) throws Exception;
  }

  private ParallelCalls() {}

  /** Runs calls 0 to {@code count - 1} on {@code threads} threads; returns calls per second. */
  static double perSecond(int threads, int count, Call call) throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    AtomicInteger next = new AtomicInteger();
    AtomicInteger failures = new AtomicInteger();
    long start = System.nanoTime();
    for (int t = 0; t < threads; t++) {
      pool.execute(
          () -> {
            for (int i; (i = next.getAndIncrement()) < count; ) {
              try {
                call.run(i);
              } catch (Exception e) {
                failures.incrementAndGet();
              }
            }
          });
    }
    pool.shutdown();
    pool.awaitTermination(30, TimeUnit.MINUTES);
    double seconds = (System.nanoTime() - start) / 1e9;
    if (failures.get() > 0) {
      System.out.printf("          (%d of %d calls failed)%n", failures.get(), count);
    }
    return count / seconds;
  }

  /** The response's body; throws unless it has the {@code expected} status. */
  static String expect(HttpResponse<String> response, int expected) {
    if (response.statusCode() != expected) {
      throw new IllegalStateException("HTTP " + response.statusCode() + ": " + response.body());
    }
    return response.body();
  }
}
