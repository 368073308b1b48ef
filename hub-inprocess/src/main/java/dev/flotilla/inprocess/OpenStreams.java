package dev.flotilla.inprocess;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The streams (watch response bodies and WebSockets) of one client (and its derived clients) that
 * have not ended yet.
 */
final class OpenStreams {
  /** One stream the server writes into until either side ends it. */
  interface Stream {
    /** The client gives up on the stream: the server's side of it ends too. */
    void cancel();

    /** Runs {@code r} once when the stream ends from either side (at once if it has). */
    void onEnd(Runnable r);
  }

  private final Set<Stream> open = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /** A stream that starts after the client closed is cancelled at once, not left to run. */
  void add(Stream stream) {
    open.add(stream);
    stream.onEnd(() -> open.remove(stream));
    if (closed) {
      stream.cancel();
    }
  }

  int size() {
    return open.size();
  }

  void cancelAll() {
    closed = true; // before the loop: an add racing it sees the flag or is in the set
    for (Stream stream : open) {
      stream.cancel();
    }
  }
}
