package dev.flotilla.apiserver.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.objects.ListOptions;
import dev.flotilla.apiserver.objects.ListQuery;
import dev.flotilla.apiserver.objects.Meta;
import dev.flotilla.apiserver.objects.ResourceStorage;
import dev.flotilla.apiserver.objects.StorageKeys;
import dev.flotilla.apiserver.objects.WatchFilter;
import dev.flotilla.apiserver.storage.CompactedException;
import dev.flotilla.apiserver.storage.KeyValue;
import dev.flotilla.apiserver.storage.Store;
import dev.flotilla.apiserver.storage.StoreEvent;
import dev.flotilla.apiserver.table.TableFormat;
import dev.flotilla.apiserver.table.TableWatch;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.ServerWebSocket;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * WATCH over chunked HTTP (one JSON event per line) or a WebSocket (one event per text frame), fed
 * from the store's shared event log. Initial state comes first when no resourceVersion is given; a
 * compacted resourceVersion gets a single 410 Expired ERROR event, as upstream sends.
 */
final class WatchHandler {
  /**
   * Like kube-apiserver's --min-request-timeout: a watch without timeoutSeconds ends in 30-60 min.
   */
  private static final int DEFAULT_TIMEOUT_SECONDS = 1800;

  private static final long BOOKMARK_INTERVAL_MS = 15_000;

  /** A client that cannot keep up is cut off; it re-watches from its last resourceVersion. */
  private static final int MAX_PENDING_BYTES = 16 * 1024 * 1024;

  private final Vertx vertx;
  private final ResourceStorage storage;
  private final Runnable opened;
  private final Runnable closed;

  WatchHandler(Vertx vertx, ResourceStorage storage, Runnable opened, Runnable closed) {
    this.vertx = vertx;
    this.storage = storage;
    this.opened = opened;
    this.closed = closed;
  }

  /** Where watch events go: a chunked response or a WebSocket. */
  private interface Sink {
    void send(byte[] event);

    void close();

    boolean congested();

    void onClose(Runnable r);
  }

  void handle(ApiRequest r, HttpServerRequest http) {
    ListOptions options = r.listOptions();
    // Validate everything before the first byte goes out: after the headers, errors cannot be a
    // Status.
    if (!options.resourceVersion().isEmpty()) {
      Meta.parseResourceVersion(options.resourceVersion());
    }
    boolean bookmarks = r.flag("allowWatchBookmarks");
    int timeout = r.intParam("timeoutSeconds", 0);
    int seconds =
        timeout > 0
            ? timeout
            : DEFAULT_TIMEOUT_SECONDS
                + ThreadLocalRandom.current().nextInt(DEFAULT_TIMEOUT_SECONDS);
    Context context = vertx.getOrCreateContext();
    TableFormat table = TableFormat.negotiate(r.headers().get("Accept"), r.param("includeObject"));
    TableWatch tables = table == null ? null : table.watch(storage, r.type());
    if ("websocket".equalsIgnoreCase(http.getHeader("Upgrade"))) {
      http.toWebSocket()
          .onSuccess(
              ws -> start(r, options, bookmarks, seconds, context, asTables(tables, webSocket(ws))))
          .onFailure(t -> http.response().setStatusCode(400).end());
      return;
    }
    HttpServerResponse response = http.response();
    response.setChunked(true);
    response.setWriteQueueMaxSize(MAX_PENDING_BYTES);
    response.putHeader("Content-Type", "application/json");
    response.setStatusCode(200);
    // Headers go out at once: clients treat the watch as established when they arrive.
    response.writeHead();
    start(r, options, bookmarks, seconds, context, asTables(tables, chunked(response)));
  }

  /** With {@code Accept: ...;as=Table}, each event's object goes out as a one-row Table. */
  private static Sink asTables(TableWatch tables, Sink sink) {
    if (tables == null) {
      return sink;
    }
    return new Sink() {
      @Override
      public void send(byte[] event) {
        sink.send(tables.transform(event));
      }

      @Override
      public void close() {
        sink.close();
      }

      @Override
      public boolean congested() {
        return sink.congested();
      }

      @Override
      public void onClose(Runnable r) {
        sink.onClose(r);
      }
    };
  }

  private void start(
      ApiRequest r,
      ListOptions options,
      boolean bookmarks,
      int seconds,
      Context context,
      Sink sink) {
    WatchFilter filter = new WatchFilter(storage, r.type(), options);
    String rv = options.resourceVersion();
    long from;
    if (rv.isEmpty() || rv.equals("0")) {
      ListQuery.Page initial =
          ListQuery.list(
              storage,
              r.type(),
              r.info().namespace(),
              new ListOptions(options.labels(), options.fields(), 0, null, "", false));
      for (KeyValue kv : initial.items()) {
        sink.send(filter.added(kv).encode());
      }
      from = initial.revision();
    } else {
      from = Meta.parseResourceVersion(rv);
    }
    String prefix = StorageKeys.listPrefix(r.type(), r.info().namespace());
    AtomicBoolean done = new AtomicBoolean();
    long[] lastSent = {from};
    Store.Watch watch;
    try {
      watch =
          storage
              .store()
              .watch(
                  prefix,
                  from,
                  (StoreEvent e) ->
                      context.runOnContext(
                          v -> {
                            if (done.get()) {
                              return;
                            }
                            WatchFilter.Event event = filter.translate(e);
                            lastSent[0] = e.revision();
                            if (event != null) {
                              sink.send(event.encode());
                              if (sink.congested()) {
                                sink.close();
                              }
                            }
                          }));
    } catch (CompactedException e) {
      ApiException expired =
          ApiException.expired("too old resource version: " + from + " (" + e.compacted() + ")");
      ObjectNode error = JsonNodeFactory.instance.objectNode();
      error.put("type", "ERROR");
      error.set("object", expired.toStatus());
      sink.send(Json.write(error));
      sink.close();
      return;
    }
    opened.run();
    long timer = vertx.setTimer(seconds * 1000L, id -> sink.close());
    long bookmarkTimer =
        bookmarks
            ? vertx.setPeriodic(BOOKMARK_INTERVAL_MS, id -> sink.send(bookmark(r, lastSent[0])))
            : -1;
    sink.onClose(
        () -> {
          if (done.compareAndSet(false, true)) {
            watch.close();
            vertx.cancelTimer(timer);
            if (bookmarkTimer >= 0) {
              vertx.cancelTimer(bookmarkTimer);
            }
            closed.run();
          }
        });
  }

  private static byte[] bookmark(ApiRequest r, long revision) {
    ObjectNode event = JsonNodeFactory.instance.objectNode();
    event.put("type", "BOOKMARK");
    ObjectNode obj = event.putObject("object");
    obj.put("kind", r.type().kind());
    obj.put("apiVersion", r.type().apiVersion());
    obj.putObject("metadata").put("resourceVersion", Long.toString(revision));
    return Json.write(event);
  }

  private static Sink chunked(HttpServerResponse response) {
    return new Sink() {
      @Override
      public void send(byte[] event) {
        Buffer b = Buffer.buffer(event.length + 1).appendBytes(event).appendByte((byte) '\n');
        response.write(b);
      }

      @Override
      public void close() {
        if (!response.ended() && !response.closed()) {
          response.end();
        }
      }

      @Override
      public boolean congested() {
        return response.writeQueueFull();
      }

      @Override
      public void onClose(Runnable r) {
        response.closeHandler(v -> r.run());
        response.endHandler(v -> r.run());
      }
    };
  }

  private static Sink webSocket(ServerWebSocket ws) {
    return new Sink() {
      @Override
      public void send(byte[] event) {
        ws.writeTextMessage(new String(event, java.nio.charset.StandardCharsets.UTF_8));
      }

      @Override
      public void close() {
        if (!ws.isClosed()) {
          ws.close();
        }
      }

      @Override
      public boolean congested() {
        return false;
      }

      @Override
      public void onClose(Runnable r) {
        ws.closeHandler(v -> r.run());
      }
    };
  }
}
