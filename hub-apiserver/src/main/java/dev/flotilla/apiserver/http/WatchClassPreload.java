package dev.flotilla.apiserver.http;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads and initialises, on a worker while the server starts, the classes a JVM's first WebSocket
 * watch would otherwise load on the event loop that upgrades it: Netty's and Vert.x's WebSocket
 * handshake, codec and frame classes, and the hub's watch stream. Loading them there held a loop
 * for 112-217 ms in a loaded CI run (a soak test's first watch). Once per JVM: servers of simulated
 * members in the same process share it.
 */
final class WatchClassPreload {
  private static final Logger LOG = LoggerFactory.getLogger(WatchClassPreload.class);

  /**
   * What the first watch loaded on its event loop (JDK 17, Vert.x 5.2, Netty 4.2; found with {@code
   * -Xlog:class+load}). Vert.x's implementation classes are internal, so a Vert.x upgrade may
   * rename them: WatchClassPreloadTest fails then, rather than this silently loading less.
   */
  static final List<String> CLASSES =
      List.of(
          "io.netty.handler.codec.MessageAggregator",
          "io.netty.handler.codec.http.DefaultFullHttpRequest",
          "io.netty.handler.codec.http.DefaultFullHttpResponse",
          "io.netty.handler.codec.http.HttpObjectAggregator",
          "io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame",
          "io.netty.handler.codec.http.websocketx.CloseWebSocketFrame",
          "io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame",
          "io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException",
          "io.netty.handler.codec.http.websocketx.PingWebSocketFrame",
          "io.netty.handler.codec.http.websocketx.PongWebSocketFrame",
          "io.netty.handler.codec.http.websocketx.TextWebSocketFrame",
          "io.netty.handler.codec.http.websocketx.Utf8Validator",
          "io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder",
          "io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder$1",
          "io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder$State",
          "io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder",
          "io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder",
          "io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder",
          "io.netty.handler.codec.http.websocketx.WebSocketCloseStatus",
          "io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig",
          "io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig$Builder",
          "io.netty.handler.codec.http.websocketx.WebSocketFrameMaskGenerator",
          "io.netty.handler.codec.http.websocketx.WebSocketServerHandshakeException",
          "io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker00",
          "io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker07",
          "io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker08",
          "io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker13",
          "io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory",
          "io.netty.handler.codec.http.websocketx.WebSocketUtil",
          "io.netty.handler.codec.http.websocketx.WebSocketVersion",
          "io.vertx.core.http.ServerWebSocketHandshake",
          "io.vertx.core.http.WebSocketFrameType",
          "io.vertx.core.http.impl.websocket.ServerWebSocketHandshaker",
          "io.vertx.core.http.impl.websocket.ServerWebSocketImpl",
          "io.vertx.core.http.impl.websocket.WebSocketConnectionImpl",
          "io.vertx.core.http.impl.websocket.WebSocketFrameImpl",
          "io.vertx.core.http.impl.websocket.WebSocketImplBase$1",
          "io.vertx.core.http.impl.websocket.WebSocketImplBase$2",
          "io.vertx.core.spi.metrics.WebSocketMetrics",
          "dev.flotilla.apiserver.concurrent.SerialExecutor",
          "dev.flotilla.apiserver.http.SlicedWriter",
          "dev.flotilla.apiserver.http.WatchBuffers$Account",
          "dev.flotilla.apiserver.http.WatchHandler$Stream",
          "dev.flotilla.apiserver.objects.WatchFilter",
          "dev.flotilla.apiserver.objects.WatchFilter$Event");

  private static CompletableFuture<List<String>> once;

  private WatchClassPreload() {}

  /** Starts the preload on {@code workers} the first time; the same future every later time. */
  static synchronized CompletableFuture<List<String>> begin(Executor workers) {
    if (once == null) {
      once = CompletableFuture.supplyAsync(WatchClassPreload::load, workers);
    }
    return once;
  }

  /** Loads every class of {@link #CLASSES}; returns the names that could not be loaded. */
  static List<String> load() {
    ClassLoader loader = WatchClassPreload.class.getClassLoader();
    List<String> missing = new ArrayList<>();
    for (String name : CLASSES) {
      try {
        Class.forName(name, true, loader);
      } catch (ClassNotFoundException | LinkageError e) {
        missing.add(name);
      }
    }
    if (!missing.isEmpty()) {
      LOG.debug("watch classes not found to preload: {}", missing);
    }
    return missing;
  }
}
