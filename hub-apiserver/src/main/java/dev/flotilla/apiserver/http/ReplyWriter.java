package dev.flotilla.apiserver.http;

import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.objects.ResourceStorage;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes a {@link Reply} to the HTTP response, and turns a failure into its Status reply. */
final class ReplyWriter {
  private static final Logger LOG = LoggerFactory.getLogger(ReplyWriter.class);

  private ReplyWriter() {}

  /**
   * Sends {@code reply}; returns false when it could not be sent. When the head is already out (a
   * watch that failed after it started streaming), a Status would read as part of the stream, so
   * the connection is reset instead: the client sees a broken response, never a truncated one that
   * looks whole, and no request is left hanging.
   */
  static boolean sendOrAbort(HttpServerResponse response, Reply reply) {
    if (reply.streamed()) {
      throw new IllegalStateException("a streamed reply needs workers to make its pieces");
    }
    return sendOrAbort(response, reply, null, null);
  }

  /**
   * As {@link #sendOrAbort(HttpServerResponse, Reply)}; a streamed reply's pieces are made on
   * {@code workers} ({@link StreamedReply}), counted in {@code metrics}.
   */
  static boolean sendOrAbort(
      HttpServerResponse response, Reply reply, Executor workers, ApiMetrics metrics) {
    if (response.ended() || response.closed()) {
      return false;
    }
    if (response.headWritten()) {
      LOG.debug("closing the connection: a failure after the response head ({})", reply.status());
      response.reset();
      return false;
    }
    if (reply.streamed()) {
      StreamedReply.send(response, reply, workers, Vertx.currentContext(), metrics);
      return true;
    }
    head(response, reply);
    byte[] body = reply.body();
    if (body.length <= WRITE_CHUNK) {
      response.end(Buffer.buffer(body));
    } else {
      response.putHeader("Content-Length", Integer.toString(body.length));
      writeFrom(response, Vertx.currentContext(), body, 0);
    }
    return true;
  }

  /** Status, content type and warnings. */
  static void head(HttpServerResponse response, Reply reply) {
    response.setStatusCode(reply.status());
    response.putHeader("Content-Type", reply.contentType());
    for (String w : reply.warnings()) {
      response
          .headers()
          .add("Warning", "299 - \"" + w.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
    }
  }

  /**
   * A large body goes out a TLS record per event-loop turn: encryption (and compression) of a
   * many-megabyte list in one go would hold the loop for tens of milliseconds or more.
   */
  private static final int WRITE_CHUNK = SlicedWriter.SLICE_BYTES;

  private static void writeFrom(
      HttpServerResponse response, Context context, byte[] body, int offset) {
    writeFrom(response, context, body, offset, null);
  }

  /**
   * Writes {@code body} from {@code offset} a slice per loop turn, waiting for the connection to
   * drain whenever its write queue is full; then ends the response, or, when {@code then} is given,
   * runs it once the connection can take more (the writer of a streamed reply asks for its next
   * piece there, so a client that reads slowly holds the hub to one piece in flight).
   */
  static void writeFrom(
      HttpServerResponse response, Context context, byte[] body, int offset, Runnable then) {
    if (response.closed()) {
      return;
    }
    int end = Math.min(body.length, offset + WRITE_CHUNK);
    Buffer chunk = Buffer.buffer(java.util.Arrays.copyOfRange(body, offset, end));
    if (end == body.length && then == null) {
      response.end(chunk);
      return;
    }
    if (end > offset) {
      response.write(chunk);
    }
    Runnable next = end == body.length ? then : () -> writeFrom(response, context, body, end, then);
    if (response.writeQueueFull()) {
      response.drainHandler(v -> next.run());
    } else {
      context.runOnContext(v -> next.run());
    }
  }

  /**
   * A 503 ServiceUnavailable Status with {@code Retry-After: 1}, closing the connection so the
   * client's next request opens a new one (perhaps to another replica).
   */
  static void unavailable(io.vertx.core.http.HttpServerRequest http, String message) {
    HttpServerResponse response = http.response();
    response.putHeader("Retry-After", "1");
    response.putHeader("Connection", "close");
    sendOrAbort(
        response,
        Reply.json(
            503, Json.write(new ApiException(503, "ServiceUnavailable", message).toStatus())));
  }

  /** The Status a failure leaves as; anything but an ApiException is a logged 500. */
  static Reply statusReply(Throwable t, String request) {
    Throwable cause = ResourceStorage.unwrap(t);
    ApiException e;
    if (cause instanceof ApiException) {
      e = (ApiException) cause;
    } else {
      LOG.warn("internal error serving " + request, cause);
      e = ApiException.internal("Internal error occurred: " + cause.getMessage());
    }
    return Reply.json(e.code(), Json.write(e.toStatus()));
  }
}
