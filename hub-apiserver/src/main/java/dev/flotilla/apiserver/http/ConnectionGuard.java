package dev.flotilla.apiserver.http;

import io.netty.channel.Channel;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import java.util.HashSet;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enforces {@link ConnectionLimits} on one server's connections: header, body and idle timeouts
 * (checked by a sweep on each listener's loop, cheaper than a timer per connection), and the cap on
 * connections that have not yet authenticated. Streams (watches over WebSocket or chunked HTTP) are
 * never timed out once their request is whole.
 */
final class ConnectionGuard {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);

  private final ConnectionLimits limits;
  private final Map<HttpConnection, State> states = new ConcurrentHashMap<>();
  private final Queue<State> unauthenticatedInOrder = new ConcurrentLinkedQueue<>();
  private final AtomicInteger unauthenticated = new AtomicInteger();
  private final AtomicInteger closedByLimits = new AtomicInteger();

  ConnectionGuard(ConnectionLimits limits) {
    this.limits = limits;
  }

  /** Accepted connections still in their TLS handshake, by channel, counted toward the cap. */
  private final Map<Channel, State> handshaking = new ConcurrentHashMap<>();

  /** One connection's state; fields are written on its loop only, read by the cap from others. */
  private final class State {
    volatile HttpConnection connection;
    final Channel channel;
    final long openedAt = System.nanoTime();
    final AtomicBoolean counted = new AtomicBoolean(true);
    volatile HttpServerRequest request;
    volatile long requestAt;
    volatile long idleSince;
    volatile boolean streaming;

    State(HttpConnection connection, Channel channel) {
      this.connection = connection;
      this.channel = channel;
    }

    /** Closes the connection, or the bare channel while it is still handshaking. */
    void close() {
      HttpConnection c = connection;
      if (c != null) {
        c.close();
      } else if (channel != null) {
        // Not through the pipeline: TLS would queue its close_notify until the handshake the
        // client never makes. Nothing was said on this connection; the socket just goes.
        closeSocket(channel);
      }
    }

    /** Leaves the unauthenticated count once (authenticated or closed). */
    void uncount() {
      if (counted.compareAndSet(true, false)) {
        unauthenticated.decrementAndGet();
        unauthenticatedInOrder.remove(this); // the queue stays as short as the count
      }
    }
  }

  /** The sweep of one listener: its loop's connections, checked every period. */
  final class Sweep {
    private final Set<State> mine = new HashSet<>();

    void opened(HttpConnection connection) {
      Channel channel = channelOf(connection);
      State accepted = channel == null ? null : handshaking.remove(channel);
      State s = accepted != null ? accepted : new State(connection, channel);
      s.connection = connection;
      states.put(connection, s);
      mine.add(s);
      connection.closeHandler(
          v -> {
            mine.remove(s);
            states.remove(connection);
            s.uncount();
          });
      if (accepted == null) {
        count(s); // no accept hook saw it (a Vert.x built without AcceptHooks)
      } else if (!accepted.counted.get()) {
        connection.close(); // the cap closed it during its handshake
      }
    }

    void request(HttpServerRequest http) {
      State s = states.get(http.connection());
      if (s != null) {
        s.request = http;
        s.requestAt = System.nanoTime();
        s.idleSince = 0;
        s.streaming = "websocket".equalsIgnoreCase(http.getHeader("Upgrade"));
      }
    }

    void sweep(long now) {
      for (State s : mine.toArray(new State[0])) {
        String why = expired(s, now);
        if (why != null) {
          closedByLimits.incrementAndGet();
          LOG.debug("closing a connection: {}", why);
          s.connection.close();
        }
      }
    }
  }

  Sweep sweep() {
    return new Sweep();
  }

  /**
   * A TCP connection was accepted, before its TLS handshake: it counts toward the cap from now on,
   * until it authenticates or closes; past the cap the oldest unauthenticated one is closed.
   */
  void accepted(Channel channel) {
    State s = new State(null, channel);
    handshaking.put(channel, s);
    channel
        .closeFuture()
        .addListener(
            f -> {
              handshaking.remove(channel);
              if (s.connection == null) {
                s.uncount(); // closed in its handshake; otherwise the connection's close counts
              }
            });
    count(s);
  }

  private void count(State s) {
    unauthenticatedInOrder.add(s);
    if (unauthenticated.incrementAndGet() > limits.maxUnauthenticated()) {
      closeOldestUnauthenticated();
    }
  }

  /** Closes on the channel's own loop, following it should it move (Vert.x may re-register it). */
  private static void closeSocket(Channel channel) {
    if (!channel.isOpen()) {
      return;
    }
    io.netty.channel.EventLoop loop = channel.eventLoop();
    if (loop.inEventLoop() && channel.isRegistered()) {
      channel.unsafe().close(channel.voidPromise());
    } else {
      loop.execute(() -> closeSocket(channel));
    }
  }

  private static Channel channelOf(HttpConnection connection) {
    return connection instanceof io.vertx.core.net.impl.ConnectionBase base ? base.channel() : null;
  }

  /** How often each listener sweeps: a quarter of the shortest timeout, between 0.1 and 5 s. */
  long periodMillis() {
    long shortest =
        Math.min(
            limits.idleTimeout().toMillis(),
            Math.min(limits.readHeaderTimeout().toMillis(), limits.readBodyTimeout().toMillis()));
    return Math.max(100, Math.min(5_000, shortest / 4));
  }

  private String expired(State s, long now) {
    HttpServerRequest r = s.request;
    if (r == null) {
      return now - s.openedAt > limits.readHeaderTimeout().toNanos()
          ? "no request head within the read-header timeout"
          : null;
    }
    if (s.streaming) {
      return null;
    }
    if (!r.isEnded()) {
      return now - s.requestAt > limits.readBodyTimeout().toNanos()
          ? "request body not complete within the read-body timeout"
          : null;
    }
    if (!r.response().ended() && !r.response().closed()) {
      return null; // being answered, perhaps a long watch
    }
    if (s.idleSince == 0) {
      s.idleSince = now;
      return null;
    }
    return now - s.idleSince > limits.idleTimeout().toNanos() ? "idle past the idle timeout" : null;
  }

  /** Called once the connection's request has authenticated: it no longer counts toward the cap. */
  void authenticated(HttpServerRequest http) {
    HttpConnection c = http.connection();
    State s = c == null ? null : states.get(c);
    if (s != null) {
      s.uncount();
    }
  }

  private void closeOldestUnauthenticated() {
    State oldest;
    while ((oldest = unauthenticatedInOrder.poll()) != null) {
      if (oldest.counted.compareAndSet(true, false)) {
        unauthenticated.decrementAndGet();
        closedByLimits.incrementAndGet();
        oldest.close();
        return;
      }
    }
  }

  /** Connections not yet authenticated, for tests and metrics. */
  int unauthenticated() {
    return unauthenticated.get();
  }

  /** Connections closed by a timeout or the cap since start. */
  int closedByLimits() {
    return closedByLimits.get();
  }
}
