package dev.flotilla.bench;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Many concurrent streaming watches over one JDK HTTP client, read without a thread each: every
 * stream's lines go to a non-blocking subscriber on the client's own threads.
 *
 * <p>Why not {@code BodyHandlers.ofLines()} read in a callback: the callback runs on the common
 * ForkJoinPool, and a blocked reader there is compensated by at most 256 spare threads, so once a
 * launcher raised the pool's parallelism (one core: CompletableFuture ran each stage on a thread of
 * its own) no more than parallelism + 256 watchers were ever read, and the rest never opened.
 */
final class WatchFanOut implements AutoCloseable {
  private static final int OPENING = 64;
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicReference<String> firstFailure = new AtomicReference<>();
  private final List<CompletableFuture<?>> streams = new ArrayList<>();
  private final List<Flow.Subscription> subscriptions = new ArrayList<>();

  /**
   * Opens {@code count} watches of {@code path} (with its query, e.g. {@code ?watch=true&...}) and
   * hands every line to {@code onLine}, which must not block.
   */
  WatchFanOut(HubClient client, String path, int count, Consumer<String> onLine)
      throws InterruptedException {
    // At most OPENING watches between connect and response headers: a thousand TLS handshakes at
    // once on a loaded machine outlast the client's connect timeout (885 of 1,000 failed so).
    Semaphore opening = new Semaphore(OPENING);
    for (int w = 0; w < count; w++) {
      opening.acquire();
      AtomicBoolean opened = new AtomicBoolean();
      Runnable headersOrFailure =
          () -> {
            if (opened.compareAndSet(false, true)) {
              opening.release();
            }
          };
      streams.add(
          client
              .http()
              .sendAsync(
                  client.request(path).GET().build(),
                  info -> {
                    headersOrFailure.run();
                    return info.statusCode() == 200
                        ? HttpResponse.BodySubscribers.fromLineSubscriber(new Lines(onLine))
                        : HttpResponse.BodySubscribers.discarding();
                  })
              .whenComplete(
                  (r, e) -> {
                    headersOrFailure.run();
                    countFailure(r, e);
                  }));
    }
  }

  private void countFailure(HttpResponse<Void> response, Throwable error) {
    if (error != null || response.statusCode() != 200) {
      failed.incrementAndGet();
      firstFailure.compareAndSet(
          null, error != null ? String.valueOf(error) : "HTTP " + response.statusCode());
    }
  }

  /** Why the first refused or broken watch failed, or null. */
  String firstFailure() {
    return firstFailure.get();
  }

  /** Watches whose response headers arrived (status 200 comes before any event). */
  int open() {
    return open.get();
  }

  /** Watches refused or broken (a non-200 status or a transport error). */
  int failed() {
    return failed.get();
  }

  /** Waits until every watch is open or failed, or {@code seconds} have passed; returns open(). */
  int awaitOpen(int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (open.get() + failed.get() < streams.size() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    return open.get();
  }

  @Override
  public void close() {
    synchronized (subscriptions) {
      subscriptions.forEach(Flow.Subscription::cancel);
    }
    streams.forEach(s -> s.cancel(true));
  }

  /** One stream's lines; a subscription means the status line and headers have arrived. */
  private final class Lines implements Flow.Subscriber<String> {
    private final Consumer<String> onLine;

    Lines(Consumer<String> onLine) {
      this.onLine = onLine;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      synchronized (subscriptions) {
        subscriptions.add(subscription);
      }
      open.incrementAndGet();
      subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(String line) {
      onLine.accept(line);
    }

    @Override
    public void onError(Throwable throwable) {
      // a cancelled or broken stream: the missing events show in the caller's count
    }

    @Override
    public void onComplete() {}
  }
}
