package dev.flotilla.inprocess;

import dev.flotilla.apiserver.http.Reply;
import dev.flotilla.apiserver.http.WatchSink;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.StandardHttpRequest;
import io.fabric8.kubernetes.client.http.WebSocket;
import io.fabric8.kubernetes.client.http.WebSocketResponse;
import io.fabric8.kubernetes.client.http.WebSocketUpgradeResponse;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A fabric8 WebSocket request (a watch) as the in-process server sees it. A streamed answer is the
 * upgrade: fabric8 gets a {@link LocalWebSocket} the server's events go into, each as one message.
 * A whole answer (a Status: 401, 403, 404, ...) is a refused upgrade, as when an HTTPS server
 * answers the upgrade request without switching protocols; its Status body goes with it.
 */
final class LocalWebSocketExchange extends LocalRequest {
  private final WebSocket.Listener listener;
  private final Executor callbacks;
  private final OpenStreams streams;
  private final CompletableFuture<WebSocketResponse> response = new CompletableFuture<>();
  private volatile LocalWebSocket socket;

  LocalWebSocketExchange(
      StandardHttpRequest request,
      WebSocket.Listener listener,
      Executor callbacks,
      OpenStreams streams)
      throws IOException {
    super(request);
    this.listener = listener;
    this.callbacks = callbacks;
    this.streams = streams;
    // fabric8 gives up on an upgrade by cancelling it (a timeout): the server's watch ends too.
    response.whenComplete(
        (r, t) -> {
          LocalWebSocket ws = socket;
          if (t != null && ws != null) {
            ws.cancel();
          }
        });
  }

  CompletableFuture<WebSocketResponse> response() {
    return response;
  }

  @Override
  public void reply(Reply reply) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    headers.put("Content-Type", List.of(reply.contentType()));
    String body = new String(reply.body(), StandardCharsets.UTF_8);
    WebSocketUpgradeResponse refused = new Refused(request, reply.status(), headers, body);
    IOException cause =
        new IOException("the server answered " + reply.status() + " instead of upgrading");
    callbacks.execute(() -> response.complete(new WebSocketResponse(refused, cause)));
  }

  @Override
  public WatchSink stream(String contentType) {
    LocalWebSocket ws = new LocalWebSocket(listener, callbacks);
    socket = ws;
    streams.add(ws);
    Context loop = Vertx.currentContext();
    callbacks.execute(
        () -> {
          try {
            ws.open();
          } catch (RuntimeException | Error e) {
            ws.cancel();
            response.completeExceptionally(e);
            return;
          }
          // fabric8's contract: onOpen runs before the future completes.
          if (!response.complete(
              new WebSocketResponse(new WebSocketUpgradeResponse(request), ws))) {
            ws.cancel();
          }
        });
    return new WatchSink() {
      @Override
      public void send(byte[] event) {
        ws.add(event);
      }

      @Override
      public void close() {
        ws.end();
      }

      @Override
      public boolean congested() {
        return ws.congested();
      }

      @Override
      public boolean behind() {
        return ws.behind();
      }

      @Override
      public void onClose(Runnable r) {
        // The watch stops on its own loop, whichever side ended it.
        ws.onEnd(() -> loop.runOnContext(v -> r.run()));
      }
    };
  }

  /** A refused upgrade that keeps the server's Status for fabric8 to read. */
  private static final class Refused extends WebSocketUpgradeResponse {
    private final String body;

    Refused(HttpRequest request, int code, Map<String, List<String>> headers, String body) {
      super(request, code, headers);
      this.body = body;
    }

    @Override
    public String bodyString() {
      return body;
    }
  }
}
