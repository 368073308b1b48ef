package dev.flotilla.ui;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * One browser's server-sent-events stream at {@code /ui/api/fleet/stream}: an {@code event:
 * changed} carrying the new revision whenever the {@link FleetModel} changes, so the page refetches
 * {@code /ui/api/fleet} only then. Everything but {@link #changed} runs on the connection's event
 * loop but the token's re-check before every event and heartbeat, which runs on a worker.
 */
final class FleetStream {
  /** A burst of watch events (a rollout, an agent's status round) becomes one event. */
  static final long COALESCE_MS = 250;

  /** Keeps proxies and idle timeouts from cutting a quiet stream, and re-checks the token. */
  static final long HEARTBEAT_MS = 15_000;

  private final Vertx vertx;
  private final Context context;
  private final HttpServerResponse response;
  private final FleetModel model;
  private final BooleanSupplier stillAuthorized;
  private final AtomicBoolean pending = new AtomicBoolean();
  private final Runnable unsubscribe;
  private final long heartbeat;
  private volatile boolean closed;
  private String sent;

  private FleetStream(
      Vertx vertx, HttpServerResponse response, FleetModel model, BooleanSupplier authorized) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.response = response;
    this.model = model;
    this.stillAuthorized = authorized;
    response
        .setStatusCode(200)
        .setChunked(true)
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .closeHandler(v -> stop())
        .exceptionHandler(e -> stop());
    this.unsubscribe = model.onChange(this::changed);
    this.heartbeat = vertx.setPeriodic(HEARTBEAT_MS, id -> beat());
    // The first event makes the page draw at once, and again after every reconnect.
    send();
  }

  /** Starts streaming on {@code response}; call on its event loop after authenticating. */
  static void open(
      Vertx vertx, HttpServerResponse response, FleetModel model, BooleanSupplier authorized) {
    new FleetStream(vertx, response, model, authorized);
  }

  /** From an informer's thread: schedules one send, however many changes follow within it. */
  private void changed() {
    if (!closed && pending.compareAndSet(false, true)) {
      context.runOnContext(v -> vertx.setTimer(COALESCE_MS, id -> flush()));
    }
  }

  private void flush() {
    pending.set(false);
    send();
  }

  private void send() {
    whenAuthorized(
        () -> {
          String revision = model.revision();
          if (!revision.equals(sent)) {
            sent = revision;
            write("event: changed\ndata: " + revision + "\n\n");
          }
        });
  }

  private void beat() {
    whenAuthorized(() -> write(": heartbeat\n\n"));
  }

  /**
   * Runs {@code then} back on this stream's loop if the token still authenticates, else ends the
   * stream (revoked, expired). The check runs on a worker: a token no longer in the authenticator's
   * cache is verified anew, and a signature check has no place on an event loop.
   */
  private void whenAuthorized(Runnable then) {
    if (closed) {
      return;
    }
    vertx
        .executeBlocking(stillAuthorized::getAsBoolean, false)
        .onComplete(
            ar -> {
              if (closed) {
                return;
              }
              if (ar.succeeded() && ar.result()) {
                then.run();
              } else {
                end();
              }
            });
  }

  private void write(String text) {
    // A reader that stopped reading holds nothing here: it reconnects and starts afresh.
    if (response.writeQueueFull()) {
      end();
    } else {
      response.write(text);
    }
  }

  private void end() {
    stop();
    if (!response.ended() && !response.closed()) {
      response.end();
    }
  }

  private void stop() {
    if (closed) {
      return;
    }
    closed = true;
    unsubscribe.run();
    vertx.cancelTimer(heartbeat);
  }
}
