package dev.flotilla.inprocess;

import dev.flotilla.apiserver.http.ApiExchange;
import io.fabric8.kubernetes.client.http.HttpClient;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * A fabric8 {@link HttpClient.Factory} whose clients hand every request to an API server in this
 * process (see {@link ApiExchange}) instead of opening a connection: no socket, no TLS, same
 * authentication, RBAC, admission and watches. Watches go over an in-process WebSocket (fabric8's
 * default; each event one message) or, with {@code withOnlyHttpWatches(true)}, over HTTP streaming.
 */
public final class InProcessHttpClientFactory implements HttpClient.Factory {
  private final Consumer<ApiExchange> server;
  private final Executor callbacks;
  private final LongAdder served = new LongAdder();

  /**
   * @param server serves one exchange, e.g. {@code hub::serveInProcess}
   * @param callbacks where responses are completed and streamed bytes handed to fabric8 (its
   *     parsing and informer dispatch must not run on the server's threads)
   */
  public InProcessHttpClientFactory(Consumer<ApiExchange> server, Executor callbacks) {
    this.server = server;
    this.callbacks = callbacks;
  }

  /**
   * A factory on the process's shared pool of callback threads (a few daemon threads, never one per
   * request).
   */
  public InProcessHttpClientFactory(Consumer<ApiExchange> server) {
    this(server, SharedPool.CALLBACKS);
  }

  @Override
  public InProcessHttpClientBuilder newBuilder() {
    return new InProcessHttpClientBuilder(this);
  }

  /** Hands {@code exchange} to the server. */
  void serve(ApiExchange exchange) {
    served.increment();
    server.accept(exchange);
  }

  /** How many requests this factory's clients have sent (for tests and diagnostics). */
  public long served() {
    return served.sum();
  }

  Executor callbacks() {
    return callbacks;
  }

  /** Created on first use: a process without in-process clients starts no threads. */
  private static final class SharedPool {
    static final Executor CALLBACKS = callbackPool("hub-inprocess-");
  }

  /**
   * A pool for the {@code callbacks} of a factory: one daemon thread per core (at least two), named
   * {@code threadPrefix} and a number. Shut it down when its clients are closed.
   */
  public static java.util.concurrent.ExecutorService callbackPool(String threadPrefix) {
    int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
    AtomicInteger n = new AtomicInteger();
    return new ThreadPoolExecutor(
        threads,
        threads,
        0,
        TimeUnit.MILLISECONDS,
        new LinkedBlockingQueue<>(),
        r -> {
          Thread t = new Thread(r, threadPrefix + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }
}
