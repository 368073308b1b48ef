package dev.flotilla.apiserver.http;

import io.vertx.core.Context;
import io.vertx.core.http.HttpServerResponse;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a streamed {@link Reply}: a worker makes one piece, the event loop writes it a slice per
 * turn, and the next piece is asked for only once the connection has taken the last one (its write
 * queue drained). So a list of any length holds one piece on the hub at a time, and a client that
 * reads slowly slows the list down instead of making the hub buffer it. The first piece is made
 * before the head goes out, so a list that fails at once still answers with its Status; one that
 * fails later resets the connection (a truncated body must never look whole).
 */
final class StreamedReply {
  private static final Logger LOG = LoggerFactory.getLogger(StreamedReply.class);

  private final HttpServerResponse response;
  private final Reply reply;
  private final Executor workers;
  private final Context context;
  private final ApiMetrics metrics;
  private final AtomicBoolean finished = new AtomicBoolean();
  private Reply.Pieces pieces;

  private StreamedReply(
      HttpServerResponse response,
      Reply reply,
      Executor workers,
      Context context,
      ApiMetrics metrics) {
    this.response = response;
    this.reply = reply;
    this.workers = workers;
    this.context = context;
    this.metrics = metrics;
  }

  /** On the event loop: starts sending {@code reply}. */
  static void send(
      HttpServerResponse response,
      Reply reply,
      Executor workers,
      Context context,
      ApiMetrics metrics) {
    StreamedReply s = new StreamedReply(response, reply, workers, context, metrics);
    metrics.listStreamStarted();
    // A client that leaves mid-list stops the pulls (nothing drains any more): count it ended.
    response.closeHandler(v -> s.finish());
    s.pull();
  }

  private void pull() {
    if (response.closed()) {
      finish();
      return;
    }
    try {
      workers.execute(this::make);
    } catch (RejectedExecutionException e) {
      context.runOnContext(v -> fail(new IllegalStateException("the server is shutting down", e)));
    }
  }

  /** On a worker: the next piece, handed to the loop. */
  private void make() {
    byte[] piece;
    try {
      if (pieces == null) {
        pieces = reply.pieces().get();
      }
      piece = pieces.next();
    } catch (RuntimeException | Error e) {
      context.runOnContext(v -> fail(e));
      return;
    }
    context.runOnContext(v -> write(piece));
  }

  private void write(byte[] piece) {
    if (response.closed()) {
      finish();
      return;
    }
    if (!response.headWritten()) {
      ReplyWriter.head(response, reply);
      response.setChunked(true);
    }
    if (piece == null) {
      response.end();
      finish();
      return;
    }
    metrics.listStreamBytes(piece.length);
    ReplyWriter.writeFrom(response, context, piece, 0, this::pull);
  }

  private void fail(Throwable t) {
    if (!response.headWritten()) {
      ReplyWriter.sendOrAbort(response, ReplyWriter.statusReply(t, "a streamed list"));
    } else if (!response.closed()) {
      LOG.warn("a streamed list failed after its first piece: closing the connection", t);
      response.reset();
    }
    finish();
  }

  private void finish() {
    if (finished.compareAndSet(false, true)) {
      metrics.listStreamEnded();
    }
  }
}
