package dev.flotilla.apiserver.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.concurrent.SerialExecutor;
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
import io.vertx.core.http.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
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

  /** How much of a watch's initial state one event-loop turn writes. */
  private static final int INITIAL_SLICE_BYTES = 256 * 1024;

  /** How much of the initial state may wait unread in the client's buffers before more is read. */
  private static final long INITIAL_AHEAD_BYTES = 1024 * 1024;

  /** How often a watch whose client is behind on its initial state looks again. */
  private static final long INITIAL_WAIT_MS = 5;

  /** The longest such wait, for a reader that has stalled. */
  private static final long INITIAL_MAX_WAIT_MS = 500;

  private final Executor workers;
  private final ResourceStorage storage;
  private final Runnable opened;
  private final Runnable closed;
  private final WatchBuffers buffers;

  WatchHandler(
      Executor workers,
      ResourceStorage storage,
      Runnable opened,
      Runnable closed,
      WatchBuffers buffers) {
    this.buffers = buffers;
    this.workers = workers;
    this.storage = storage;
    this.opened = opened;
    this.closed = closed;
  }

  /** Called on the event loop. */
  void handle(ApiRequest r, HttpServerRequest http) {
    handle(r, http, () -> {});
  }

  /** As above; {@code ended} runs on the loop once the watch ends, whoever ends it. */
  void handle(ApiRequest r, HttpServerRequest http, Runnable ended) {
    Stream stream = prepare(r);
    stream.ended = ended;
    Context context = Vertx.currentContext();
    // Cutting a slow reader off closes its connection: Netty then drops what it queued.
    io.vertx.core.http.HttpConnection connection = http.connection();
    WatchBuffers.Account account = buffers.open(context, () -> closeNow(connection));
    stream.account = account;
    if ("websocket".equalsIgnoreCase(http.getHeader("Upgrade"))) {
      http.toWebSocket()
          .onSuccess(ws -> stream.begin(webSocket(ws, context, account)))
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
    stream.begin(chunked(response, context, account));
  }

  /**
   * Called on the event loop, for a client without a socket: {@code open} starts the 200 answer
   * once the request is known to be valid (a bad one throws first, to leave as a Status).
   */
  void handle(ApiRequest r, java.util.function.Supplier<WatchSink> open) {
    Stream stream = prepare(r);
    stream.begin(open.get());
  }

  /**
   * Closes the connection at once, on its loop. Vert.x's close and even Netty's pipeline close (TLS
   * close_notify) queue behind the pending writes, which a client that does not read never lets
   * drain; the channel's own close drops them, and a zero linger resets the socket so the kernel
   * drops what it holds too.
   */
  private static void closeNow(io.vertx.core.http.HttpConnection connection) {
    if (connection instanceof io.vertx.core.net.impl.ConnectionBase base) {
      io.netty.channel.Channel channel = base.channel();
      try {
        channel.config().setOption(io.netty.channel.ChannelOption.SO_LINGER, 0);
      } catch (RuntimeException e) {
        // not a TCP socket: closing is enough
      }
      channel.unsafe().close(channel.voidPromise());
    } else if (connection != null) {
      connection.close();
    }
  }

  /** Validates the watch request and sets its stream up on the current event loop. */
  private Stream prepare(ApiRequest r) {
    ListOptions options = r.listOptions();
    // Validate everything before the first byte goes out: after the headers, errors cannot be a
    // Status.
    if (!options.resourceVersion().isEmpty()) {
      Meta.parseResourceVersion(options.resourceVersion());
    }
    boolean bookmarks = r.flag("allowWatchBookmarks");
    WatchStart start = WatchStart.of(r, bookmarks);
    int timeout = r.intParam("timeoutSeconds", 0);
    int seconds =
        timeout > 0
            ? timeout
            : DEFAULT_TIMEOUT_SECONDS
                + ThreadLocalRandom.current().nextInt(DEFAULT_TIMEOUT_SECONDS);
    Context context = Vertx.currentContext();
    TableFormat table = TableFormat.negotiate(r.headers().get("Accept"), r.param("includeObject"));
    TableWatch tables = table == null ? null : table.watch(storage, r.type());
    return new Stream(r, options, bookmarks, start, seconds, context, tables);
  }

  /**
   * One watch: the initial state (read and encoded on a worker), then the store's events. An event
   * that needs work to encode (selectors that read the object, a version conversion, a Table row)
   * is encoded on a worker, in order; the loop only writes bytes.
   */
  private final class Stream {
    /** Told once the watch ends (the audit log's ResponseComplete). */
    private Runnable ended = () -> {};

    private final ApiRequest r;
    private final ListOptions options;
    private final boolean bookmarks;
    private final WatchStart start;
    private final int seconds;
    private final Context context;
    private final WatchFilter filter;
    private final TableWatch tables;
    private final Executor encoder;
    private final Executor initialReader;
    private final AtomicBoolean done = new AtomicBoolean();
    private long lastSent;
    private WatchSink sink;
    private Store.Watch watch;
    private WatchBuffers.Account account;
    private long timer = -1;
    private long bookmarkTimer = -1;

    Stream(
        ApiRequest r,
        ListOptions options,
        boolean bookmarks,
        WatchStart start,
        int seconds,
        Context context,
        TableWatch tables) {
      this.r = r;
      this.options = options;
      this.bookmarks = bookmarks;
      this.start = start;
      this.seconds = seconds;
      this.context = context;
      this.filter = new WatchFilter(storage, r.type(), options);
      this.tables = tables;
      boolean light = !options.filters() && storage.storedAsIs(r.type()) && tables == null;
      SerialExecutor serial = new SerialExecutor(workers);
      // A light event is the stored bytes in an envelope: cheap enough for the store's thread.
      this.encoder = light ? Runnable::run : serial;
      this.initialReader = serial;
    }

    /** On the loop, once the sink exists. */
    void begin(WatchSink sink) {
      this.sink = sink;
      // The client may leave while the initial state is being read.
      sink.onClose(this::stop);
      // timeoutSeconds counts from the start, the initial state included: a client that stops
      // reading it is not held forever.
      timer = context.owner().setTimer(seconds * 1000L, id -> sink.close());
      String rv = options.resourceVersion();
      boolean anyVersion = rv.isEmpty() || rv.equals("0");
      if (!start.initialState() && !anyVersion) {
        subscribe(Meta.parseResourceVersion(rv));
        return;
      }
      initialReader.execute(
          () -> {
            try {
              if (!start.initialState()) {
                // sendInitialEvents=false without a version: the changes from now on.
                long now = storage.store().currentRevision();
                context.runOnContext(v -> subscribe(now));
                return;
              }
              // Not older than the asked version (a future one is a 504, as for a list).
              ListQuery.Scan scan =
                  ListQuery.scan(
                      storage,
                      r.type(),
                      r.info().namespace(),
                      new ListOptions(
                          options.labels(),
                          options.fields(),
                          0,
                          null,
                          anyVersion ? "" : rv,
                          false));
              readInitial(scan);
            } catch (RuntimeException e) {
              fail(e);
            }
          });
    }

    /**
     * On the reader: the next store batch of the initial state as ADDED events (and the end
     * bookmark after the last), handed to the loop. One batch at a time, so a watch of a whole kind
     * never holds the kind's values in memory, as an unpaged list does not.
     */
    private void readInitial(ListQuery.Scan scan) {
      if (done.get()) {
        return;
      }
      List<byte[]> events = new ArrayList<>();
      try {
        List<KeyValue> batch = scan.next();
        if (batch != null) {
          for (KeyValue kv : batch) {
            events.add(wire(filter.added(kv).encode()));
          }
        }
        if (scan.done() && start.endBookmark()) {
          events.add(wire(bookmark(r, scan.revision(), true)));
        }
      } catch (RuntimeException e) {
        fail(e);
        return;
      }
      context.runOnContext(v -> sendInitial(events, 0, scan));
    }

    /** Ends the watch with the error as a Status event, on the loop. */
    private void fail(RuntimeException e) {
      ApiException error =
          e instanceof ApiException api ? api : ApiException.internal(e.getMessage());
      context.runOnContext(v -> sendError(error));
    }

    /**
     * Writes a batch of the initial state a slice per loop turn (TLS encrypts as it is written:
     * megabytes in one turn would hold the loop). Then the next batch is read once the client has
     * taken most of what was written, or, after the last, the watch subscribes: events after the
     * state's revision are replayed.
     */
    private void sendInitial(List<byte[]> events, int index, ListQuery.Scan scan) {
      if (done.get()) {
        return;
      }
      int i = index;
      for (int bytes = 0; i < events.size() && bytes < INITIAL_SLICE_BYTES; i++) {
        sink.send(events.get(i));
        bytes += events.get(i).length;
      }
      if (i < events.size()) {
        int next = i;
        context.runOnContext(v -> sendInitial(events, next, scan));
        return;
      }
      if (scan.done()) {
        subscribe(scan.revision());
        return;
      }
      whenTaken(() -> initialReader.execute(() -> readInitial(scan)), INITIAL_WAIT_MS);
    }

    /**
     * Runs {@code next} on the loop once the client holds less than {@link #INITIAL_AHEAD_BYTES}
     * unread: a slow reader paces the reading of the state instead of the hub queuing all of it. An
     * in-process sink has no socket account: it says itself when it holds enough.
     */
    private void whenTaken(Runnable next, long wait) {
      if (done.get()) {
        return;
      }
      boolean behind = account == null ? sink.behind() : account.pending() > INITIAL_AHEAD_BYTES;
      if (!behind) {
        next.run();
        return;
      }
      // Looks again soon, then less often: a reader that stalls costs a few timers a second.
      context
          .owner()
          .setTimer(wait, id -> whenTaken(next, Math.min(wait * 2, INITIAL_MAX_WAIT_MS)));
    }

    private void subscribe(long from) {
      if (done.get()) {
        return; // the client left while the start was being read
      }
      lastSent = from;
      String prefix = StorageKeys.listPrefix(r.type(), r.info().namespace());
      try {
        watch = storage.store().watch(prefix, from, this::onEvent, this::onGone);
      } catch (CompactedException e) {
        sendError(
            ApiException.expired("too old resource version: " + from + " (" + e.compacted() + ")"));
        return;
      }
      opened.run();
      Vertx vertx = context.owner();
      if (bookmarks) {
        bookmarkTimer =
            vertx.setPeriodic(
                BOOKMARK_INTERVAL_MS,
                id -> {
                  // The store's progress for this watch, not only its last event: a watcher of a
                  // quiet collection keeps a resourceVersion that stays inside the store's window,
                  // so it can resume (after a hub restart too) instead of listing again. Every
                  // event up to it is already queued on the encoder, ahead of this bookmark.
                  long revision = Math.max(lastSent, watch.progress());
                  encoder.execute(() -> deliver(revision, wire(bookmark(r, revision, false))));
                });
      }
    }

    /** On the loop, when the client or the server ends the watch. */
    private void stop() {
      if (account != null) {
        account.release();
      }
      if (!done.compareAndSet(false, true)) {
        return;
      }
      ended.run();
      if (timer >= 0) {
        context.owner().cancelTimer(timer);
      }
      if (watch == null) {
        return; // never started following: nothing subscribed, nothing counted
      }
      watch.close();
      if (bookmarkTimer >= 0) {
        context.owner().cancelTimer(bookmarkTimer);
      }
      closed.run();
    }

    /** On the store's thread: encode (there or on a worker), then write on the loop. */
    private void onEvent(StoreEvent e) {
      if (done.get()) {
        return;
      }
      encoder.execute(
          () -> {
            WatchFilter.Event event = done.get() ? null : filter.translate(e);
            deliver(e.revision(), event == null ? null : wire(event.encode()));
          });
    }

    /**
     * The store lost changes this watch would have had to send (etcd compacted them while the hub's
     * feed was cut off): end with 410 after what was already queued, as kube-apiserver's "too old
     * resource version", so the client lists again instead of missing them.
     */
    private void onGone() {
      encoder.execute(
          () ->
              context.runOnContext(
                  v -> {
                    if (!done.get()) {
                      sendError(
                          ApiException.expired(
                              "too old resource version: "
                                  + lastSent
                                  + " (the hub's store history restarted; list again)"));
                    }
                  }));
    }

    private void deliver(long revision, byte[] bytes) {
      context.runOnContext(
          v -> {
            if (done.get()) {
              return;
            }
            lastSent = Math.max(lastSent, revision);
            if (bytes != null) {
              sink.send(bytes);
              if (sink.congested()) {
                // A graceful end would queue behind what the client is not reading: cut it off.
                sink.abort();
              }
            }
          });
    }

    /** The event as the client asked for it: a one-row Table with {@code Accept: ...;as=Table}. */
    private byte[] wire(byte[] event) {
      return tables == null ? event : tables.transform(event);
    }

    private void sendError(ApiException error) {
      ObjectNode event = JsonNodeFactory.instance.objectNode();
      event.put("type", "ERROR");
      event.set("object", error.toStatus());
      sink.send(Json.write(event));
      sink.close();
    }
  }

  /**
   * A BOOKMARK at {@code revision}; {@code initialEnd} marks the end of a watch's initial state.
   */
  private static byte[] bookmark(ApiRequest r, long revision, boolean initialEnd) {
    ObjectNode event = JsonNodeFactory.instance.objectNode();
    event.put("type", "BOOKMARK");
    ObjectNode obj = event.putObject("object");
    obj.put("kind", r.type().kind());
    obj.put("apiVersion", r.type().apiVersion());
    ObjectNode metadata = obj.putObject("metadata");
    metadata.put("resourceVersion", Long.toString(revision));
    if (initialEnd) {
      ObjectNode annotations = metadata.putObject("annotations");
      annotations.put(WatchStart.INITIAL_EVENTS_END, "true");
      annotations.put(WatchStart.LIST_BLUEPRINT, WatchStart.listBlueprint(r.type()));
    }
    return Json.write(event);
  }

  /**
   * Watch events as JSON lines on a chunked response; an event larger than a slice goes out a slice
   * per loop turn, and an end waits for what is queued (never a cut line).
   */
  private static WatchSink chunked(
      HttpServerResponse response, Context context, WatchBuffers.Account account) {
    SlicedWriter writer = new SlicedWriter(context);
    return new WatchSink() {
      @Override
      public void send(byte[] event) {
        Buffer b = Buffer.buffer(event.length + 1).appendBytes(event).appendByte((byte) '\n');
        account.add(b.length());
        if (writer.idle() && b.length() <= SlicedWriter.SLICE_BYTES) {
          write(b);
          return;
        }
        for (int off = 0; off < b.length(); off += SlicedWriter.SLICE_BYTES) {
          Buffer slice = b.slice(off, Math.min(b.length(), off + SlicedWriter.SLICE_BYTES));
          writer.add(slice.length(), () -> write(slice));
        }
      }

      /** Held until the socket takes it: the write completes when Netty has flushed it. */
      private void write(Buffer b) {
        if (response.ended() || response.closed()) {
          account.done(b.length());
          return;
        }
        response.write(b).onComplete(ar -> account.done(b.length()));
      }

      @Override
      public void abort() {
        account.abort();
      }

      @Override
      public void close() {
        writer.whenDrained(
            () -> {
              if (!response.ended() && !response.closed()) {
                response.end();
              }
            });
      }

      @Override
      public boolean congested() {
        return response.writeQueueFull() || writer.queuedBytes() > MAX_PENDING_BYTES;
      }

      @Override
      public void onClose(Runnable r) {
        response.closeHandler(v -> r.run());
        response.endHandler(v -> r.run());
      }
    };
  }

  /**
   * Watch events as WebSocket text messages; a message larger than a slice goes out as a fragmented
   * message (a text frame, then continuation frames), a frame per loop turn.
   */
  private static WatchSink webSocket(
      ServerWebSocket ws, Context context, WatchBuffers.Account account) {
    SlicedWriter writer = new SlicedWriter(context);
    return new WatchSink() {
      @Override
      public void send(byte[] event) {
        account.add(event.length);
        if (event.length <= SlicedWriter.SLICE_BYTES) {
          String text = new String(event, StandardCharsets.UTF_8);
          if (writer.idle()) {
            write(WebSocketFrame.textFrame(text, true), event.length);
          } else {
            writer.add(
                event.length, () -> write(WebSocketFrame.textFrame(text, true), event.length));
          }
          return;
        }
        int off = 0;
        while (off < event.length) {
          int end = SlicedWriter.utf8Cut(event, off + SlicedWriter.SLICE_BYTES);
          boolean last = end == event.length;
          WebSocketFrame frame =
              off == 0
                  ? WebSocketFrame.textFrame(
                      new String(event, 0, end, StandardCharsets.UTF_8), last)
                  : WebSocketFrame.continuationFrame(
                      Buffer.buffer(java.util.Arrays.copyOfRange(event, off, end)), last);
          int bytes = end - off;
          writer.add(bytes, () -> write(frame, bytes));
          off = end;
        }
      }

      private void write(WebSocketFrame frame, int bytes) {
        if (ws.isClosed()) {
          account.done(bytes);
          return;
        }
        ws.writeFrame(frame).onComplete(ar -> account.done(bytes));
      }

      @Override
      public void abort() {
        account.abort();
      }

      @Override
      public void close() {
        writer.whenDrained(
            () -> {
              if (!ws.isClosed()) {
                ws.close();
              }
            });
      }

      @Override
      public boolean congested() {
        return writer.queuedBytes() > MAX_PENDING_BYTES;
      }

      @Override
      public void onClose(Runnable r) {
        ws.closeHandler(v -> r.run());
      }
    };
  }
}
