package dev.flotilla.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Creates as client-go sends them to kube-apiserver: HTTP/2 over TLS, every request a stream on one
 * connection, {@code inFlight} of them at a time, each sent as soon as one answers. A Netty client
 * on one event loop (the raw etcd baseline's gRPC client is one too), so the benchmark's own CPU
 * per request is not what it measures.
 */
final class H2Creates implements AutoCloseable {
  private final Vertx vertx;
  private final HttpClientAgent http;
  private final String token;

  H2Creates(int port, Path caCert, String token) {
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    this.http =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_2)
                .setUseAlpn(true)
                .setSsl(true)
                .setTrustOptions(new PemTrustOptions().addCertPath(caCert.toString()))
                .setDefaultHost("127.0.0.1")
                .setDefaultPort(port),
            new PoolOptions().setHttp2MaxSize(1));
    this.token = token;
  }

  /**
   * POSTs {@code count} bodies ({@code body.apply(i)}) to {@code path}, {@code inFlight} at a time;
   * creates per second. Each answer must be 201.
   */
  double perSecond(String path, int count, int inFlight, IntFunction<String> body)
      throws Exception {
    AtomicInteger next = new AtomicInteger();
    AtomicInteger failures = new AtomicInteger();
    CompletableFuture<Void> done = new CompletableFuture<>();
    AtomicInteger open = new AtomicInteger(inFlight);
    long start = System.nanoTime();
    for (int c = 0; c < inFlight; c++) {
      vertx.runOnContext(v -> chain(path, count, body, next, failures, open, done));
    }
    done.get(30, TimeUnit.MINUTES);
    double seconds = (System.nanoTime() - start) / 1e9;
    if (failures.get() > 0) {
      System.out.printf("          (%d of %d creates failed)%n", failures.get(), count);
    }
    return count / seconds;
  }

  private void chain(
      String path,
      int count,
      IntFunction<String> body,
      AtomicInteger next,
      AtomicInteger failures,
      AtomicInteger open,
      CompletableFuture<Void> done) {
    int i = next.getAndIncrement();
    if (i >= count) {
      if (open.decrementAndGet() == 0) {
        done.complete(null);
      }
      return;
    }
    send(path, body.apply(i))
        .onComplete(
            r -> {
              if (r.failed() || r.result() != 201) {
                failures.incrementAndGet();
              }
              chain(path, count, body, next, failures, open, done);
            });
  }

  private Future<Integer> send(String path, String json) {
    return http.request(HttpMethod.POST, path)
        .compose(
            req ->
                req.putHeader("Authorization", "Bearer " + token)
                    .putHeader("Content-Type", "application/json")
                    .send(Buffer.buffer(json))
                    .compose(resp -> resp.body().map(b -> resp.statusCode())));
  }

  /** The protocol the hub answers this client with. */
  String protocol() throws Exception {
    return http.request(HttpMethod.GET, "/readyz")
        .compose(
            req ->
                req.putHeader("Authorization", "Bearer " + token)
                    .send()
                    .compose(resp -> resp.body().map(b -> resp.version().alpnName())))
        .toCompletionStage()
        .toCompletableFuture()
        .get(60, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    vertx.close().toCompletionStage().toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
  }
}
