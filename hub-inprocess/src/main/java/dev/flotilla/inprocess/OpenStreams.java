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

  void add(Stream stream) {
    open.add(stream);
    stream.onEnd(() -> open.remove(stream));
  }

  int size() {
    return open.size();
  }

  void cancelAll() {
    for (Stream stream : open) {
      stream.cancel();
    }
  }
}
