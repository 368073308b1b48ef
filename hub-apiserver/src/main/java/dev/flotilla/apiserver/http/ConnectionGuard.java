package dev.flotilla.apiserver.http;

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
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Enforces {@link ConnectionLimits} on one server's connections: header, body and idle timeouts
 * (checked by a sweep on each listener's loop, cheaper than a timer per connection), and the cap on
 * connections that have not yet authenticated. Streams (watches over WebSocket or chunked HTTP) are
 * never timed out once their request is whole.
 */
final class ConnectionGuard {
  private static final Logger LOG = Logger.getLogger(ConnectionGuard.class.getName());

  private final ConnectionLimits limits;
  private final Map<HttpConnection, State> states = new ConcurrentHashMap<>();
  private final Queue<State> unauthenticatedInOrder = new ConcurrentLinkedQueue<>();
  private final AtomicInteger unauthenticated = new AtomicInteger();
  private final AtomicInteger closedByLimits = new AtomicInteger();

  ConnectionGuard(ConnectionLimits limits) {
    this.limits = limits;
  }

  /** One connection's state; fields are written on its loop only, read by the cap from others. */
  private final class State {
    final HttpConnection connection;
    final long openedAt = System.nanoTime();
    final AtomicBoolean counted = new AtomicBoolean(true);
    volatile HttpServerRequest request;
    volatile long requestAt;
    volatile long idleSince;
    volatile boolean streaming;

    State(HttpConnection connection) {
      this.connection = connection;
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
      State s = new State(connection);
      states.put(connection, s);
      mine.add(s);
      connection.closeHandler(
          v -> {
            mine.remove(s);
            states.remove(connection);
            s.uncount();
          });
      unauthenticatedInOrder.add(s);
      if (unauthenticated.incrementAndGet() > limits.maxUnauthenticated()) {
        closeOldestUnauthenticated();
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
          LOG.log(Level.FINE, "closing a connection: {0}", why);
          s.connection.close();
        }
      }
    }
  }

  Sweep sweep() {
    return new Sweep();
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
        oldest.connection.close();
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
