package dev.flotilla.apiserver.http;

/**
 * Where a watch's events go: a chunked HTTP response, a WebSocket or an in-process stream. Used on
 * the watch's event loop only; nothing here may block.
 */
public interface WatchSink {
  /** Sends one event (a JSON object, without a line end). */
  void send(byte[] event);

  /** Ends the stream once what is queued has gone out. */
  void close();

  /**
   * Ends the stream at once, dropping what is queued: for a reader too far behind, whose queue
   * would never drain. The client sees a broken stream and re-lists.
   */
  default void abort() {
    close();
  }

  /** True when the reader has fallen too far behind: the watch is then ended (it re-watches). */
  boolean congested();

  /**
   * True when the reader holds enough unread that a watch's initial state should wait before more
   * of it is read; well below {@link #congested()}, so the state's end leaves room for the changes
   * that follow it.
   */
  default boolean behind() {
    return congested();
  }

  /** Runs {@code r} (once) when the stream ends, whichever side ended it. */
  void onClose(Runnable r);
}
