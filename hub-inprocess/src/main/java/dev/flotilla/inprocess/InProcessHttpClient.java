package dev.flotilla.inprocess;

import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.StandardHttpClient;
import io.fabric8.kubernetes.client.http.StandardHttpRequest;
import io.fabric8.kubernetes.client.http.StandardWebSocketBuilder;
import io.fabric8.kubernetes.client.http.WebSocket;
import io.fabric8.kubernetes.client.http.WebSocketResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A fabric8 HTTP client without a connection: each request becomes a {@link LocalExchange} the
 * in-process API server serves; its answer (or, for a watch, its stream) comes back as an {@link
 * AsyncBody}. fabric8's own layer above ({@link StandardHttpClient}: interceptors, retries,
 * timeouts) works unchanged.
 */
public final class InProcessHttpClient
    extends StandardHttpClient<
        InProcessHttpClient, InProcessHttpClientFactory, InProcessHttpClientBuilder> {
  private final OpenStreams streams;

  InProcessHttpClient(
      InProcessHttpClientBuilder builder, OpenStreams streams, AtomicBoolean closed) {
    super(builder, closed);
    this.streams = streams;
  }

  OpenStreams streams() {
    return streams;
  }

  /** The factory this client came from (clients derived from it or its Config share it). */
  public InProcessHttpClientFactory factory() {
    return builder.getClientFactory();
  }

  /** How many streamed responses (watches) of this client and its derived ones are open now. */
  public int openStreams() {
    return streams.size();
  }

  @Override
  public CompletableFuture<HttpResponse<AsyncBody>> consumeBytesDirect(
      StandardHttpRequest request, AsyncBody.Consumer<List<ByteBuffer>> consumer) {
    if (isClosed()) {
      return CompletableFuture.failedFuture(new IOException("the in-process client is closed"));
    }
    InProcessHttpClientFactory factory = builder.getClientFactory();
    LocalExchange exchange;
    try {
      exchange = new LocalExchange(request, consumer, factory.callbacks(), streams);
    } catch (IOException | RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    factory.serve(exchange);
    return exchange.response();
  }

  /**
   * A watch over a WebSocket in process: each event reaches the listener as one message (see {@link
   * LocalWebSocket}). The server answers what is not a watch as over HTTPS; the hub's controllers
   * neither exec nor attach.
   */
  @Override
  public CompletableFuture<WebSocketResponse> buildWebSocketDirect(
      StandardWebSocketBuilder builder, WebSocket.Listener listener) {
    if (isClosed()) {
      return CompletableFuture.failedFuture(new IOException("the in-process client is closed"));
    }
    if (builder.getSubprotocol() != null) {
      // exec, attach and port-forward ask for one; a watch does not.
      return CompletableFuture.failedFuture(
          new IOException("no WebSocket subprotocol is served in process"));
    }
    InProcessHttpClientFactory factory = this.builder.getClientFactory();
    LocalWebSocketExchange exchange;
    try {
      exchange =
          new LocalWebSocketExchange(
              builder.asHttpRequest(), listener, factory.callbacks(), streams);
    } catch (IOException | RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    factory.serve(exchange);
    return exchange.response();
  }

  /** Ends the streams still open (watches), as closing a connection pool would. */
  @Override
  protected void doClose() {
    streams.cancelAll();
  }
}
