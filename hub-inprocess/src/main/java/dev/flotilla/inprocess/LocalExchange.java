package dev.flotilla.inprocess;

import dev.flotilla.apiserver.http.Reply;
import dev.flotilla.apiserver.http.WatchSink;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.StandardHttpRequest;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * One fabric8 request as the in-process server sees it, and the response fabric8 gets back: a whole
 * reply as a one-chunk body, or a watch as a {@link ResponseBody} the server streams into.
 */
final class LocalExchange extends LocalRequest {
  /**
   * Each event goes to fabric8 as its own buffer, the line end as another: fabric8's line splitter
   * decodes buffer by buffer, so one never ends inside a character or event.
   */
  private static final ByteBuffer LINE_END = ByteBuffer.wrap(new byte[] {'\n'}).asReadOnlyBuffer();

  private final Executor callbacks;
  private final ResponseBody responseBody;
  private final OpenStreams streams;
  private final CompletableFuture<HttpResponse<AsyncBody>> response = new CompletableFuture<>();

  LocalExchange(
      StandardHttpRequest request,
      AsyncBody.Consumer<List<ByteBuffer>> consumer,
      Executor callbacks,
      OpenStreams streams)
      throws IOException {
    super(request);
    this.callbacks = callbacks;
    this.streams = streams;
    this.responseBody = new ResponseBody(consumer, callbacks);
    // fabric8 gives up on a request by cancelling its response (a timeout, a closed watch): the
    // server's side of it then ends too.
    response.whenComplete(
        (r, t) -> {
          if (t != null) {
            responseBody.cancel();
          }
        });
  }

  CompletableFuture<HttpResponse<AsyncBody>> response() {
    return response;
  }

  @Override
  public void reply(Reply reply) {
    Map<String, List<String>> responseHeaders = new LinkedHashMap<>();
    responseHeaders.put("Content-Type", List.of(reply.contentType()));
    if (!reply.warnings().isEmpty()) {
      List<String> warnings = new ArrayList<>();
      for (String w : reply.warnings()) {
        warnings.add("299 - \"" + w.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
      }
      responseHeaders.put("Warning", warnings);
    }
    if (reply.body().length > 0) {
      responseBody.add(ByteBuffer.wrap(reply.body()));
    }
    responseBody.end();
    complete(reply.status(), responseHeaders);
  }

  @Override
  public WatchSink stream(String contentType) {
    streams.add(responseBody);
    Context loop = Vertx.currentContext();
    complete(200, Map.of("Content-Type", List.of(contentType)));
    return new WatchSink() {
      @Override
      public void send(byte[] event) {
        responseBody.add(ByteBuffer.wrap(event));
        responseBody.add(LINE_END.duplicate());
      }

      @Override
      public void close() {
        responseBody.end();
      }

      @Override
      public boolean congested() {
        return responseBody.congested();
      }

      @Override
      public boolean behind() {
        return responseBody.behind();
      }

      @Override
      public void onClose(Runnable r) {
        // The watch stops on its own loop, whichever side ended it.
        responseBody.onEnd(() -> loop.runOnContext(v -> r.run()));
      }
    };
  }

  /** Completes the response on the callback executor: fabric8's continuations run there. */
  private void complete(int status, Map<String, List<String>> responseHeaders) {
    HttpResponse<AsyncBody> r = new LocalResponse(status, responseHeaders, responseBody, request);
    callbacks.execute(() -> response.complete(r));
  }

  /** A response of the in-process server, as fabric8 reads one. */
  private record LocalResponse(
      int code, Map<String, List<String>> headers, AsyncBody body, HttpRequest request)
      implements HttpResponse<AsyncBody> {
    @Override
    public List<String> headers(String key) {
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(key)) {
          return e.getValue();
        }
      }
      return List.of();
    }

    @Override
    public Optional<HttpResponse<?>> previousResponse() {
      return Optional.empty();
    }
  }
}
