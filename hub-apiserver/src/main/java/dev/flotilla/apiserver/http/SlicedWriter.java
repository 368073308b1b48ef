package dev.flotilla.apiserver.http;

import io.vertx.core.Context;
import java.util.ArrayDeque;

/**
 * Writes queued pieces of a stream one per event-loop turn, in order. TLS encrypts (and compression
 * compresses) what is written at once, so a megabyte written in one go holds the loop; written in
 * slices, other connections get their turns in between. Used on the event loop only.
 */
final class SlicedWriter {
  /** The most one turn hands to the connection. */
  static final int SLICE_BYTES = 16 * 1024;

  private record Piece(int bytes, Runnable write) {}

  private final Context context;
  private final ArrayDeque<Piece> queue = new ArrayDeque<>();
  private long queuedBytes;
  private boolean pumping;
  private Runnable whenDrained;

  SlicedWriter(Context context) {
    this.context = context;
  }

  /** True when nothing is queued: a small write may go out directly. */
  boolean idle() {
    return !pumping;
  }

  long queuedBytes() {
    return queuedBytes;
  }

  /** Queues one write of {@code bytes}; it runs after everything queued before it. */
  void add(int bytes, Runnable write) {
    queue.add(new Piece(bytes, write));
    queuedBytes += bytes;
    if (!pumping) {
      pumping = true;
      pump();
    }
  }

  /** Runs {@code action} once everything queued is written (at once when nothing is). */
  void whenDrained(Runnable action) {
    if (pumping) {
      whenDrained = action;
    } else {
      action.run();
    }
  }

  private void pump() {
    Piece next = queue.poll();
    if (next == null) {
      pumping = false;
      Runnable action = whenDrained;
      whenDrained = null;
      if (action != null) {
        action.run();
      }
      return;
    }
    queuedBytes -= next.bytes();
    next.write().run();
    context.runOnContext(v -> pump());
  }

  /** Where to cut {@code bytes} near {@code at} without splitting a UTF-8 sequence. */
  static int utf8Cut(byte[] bytes, int at) {
    int cut = Math.min(at, bytes.length);
    while (cut < bytes.length && (bytes[cut] & 0xC0) == 0x80) {
      cut++;
    }
    return cut;
  }
}
