package dev.flotilla.bench;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Closed-loop HTTP load: {@code threads} clients each sending the next request as soon as the last
 * answered, for a fixed time after a short warm-up; requests/s, latency and bytes per answer.
 */
final class HttpLoad {
  /** What one phase measured. */
  record Result(double perSecond, Percentiles latency, long avgBytes, int unexpected) {
    String summary() {
      return String.format(
          "%.0f req/s, %s, %d bytes/answer%s",
          perSecond,
          latency.summary(),
          avgBytes,
          unexpected == 0 ? "" : ", " + unexpected + " unexpected answers");
    }
  }

  private HttpLoad() {}

  static Result run(
      HubClient client, int threads, int seconds, Supplier<HttpRequest> request, int expect)
      throws InterruptedException {
    phase(client, threads, 2, request, expect); // warm-up: connections, JIT
    return phase(client, threads, seconds, request, expect);
  }

  private static Result phase(
      HubClient client, int threads, int seconds, Supplier<HttpRequest> request, int expect)
      throws InterruptedException {
    Percentiles latency = new Percentiles();
    AtomicLong bytes = new AtomicLong();
    AtomicInteger unexpected = new AtomicInteger();
    long start = System.nanoTime();
    long end = start + TimeUnit.SECONDS.toNanos(seconds);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread w =
          new Thread(
              () -> {
                while (System.nanoTime() < end) {
                  long t0 = System.nanoTime();
                  try {
                    HttpResponse<byte[]> r =
                        client.http().send(request.get(), HttpResponse.BodyHandlers.ofByteArray());
                    latency.add(System.nanoTime() - t0);
                    bytes.addAndGet(r.body().length);
                    if (r.statusCode() != expect) {
                      unexpected.incrementAndGet();
                    }
                  } catch (Exception e) {
                    unexpected.incrementAndGet();
                  }
                }
              },
              "http-load-" + t);
      w.start();
      workers.add(w);
    }
    for (Thread w : workers) {
      w.join();
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    int n = latency.count();
    return new Result(n / elapsed, latency, n == 0 ? 0 : bytes.get() / n, unexpected.get());
  }
}
