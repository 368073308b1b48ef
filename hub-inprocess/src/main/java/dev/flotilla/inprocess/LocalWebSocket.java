package dev.flotilla.inprocess;

import io.fabric8.kubernetes.client.http.WebSocket;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A watch's WebSocket without a socket: each event the server sends reaches fabric8's listener
 * whole, as one text message (fabric8's HTTP watch instead splits a stream into lines a character
 * at a time). As over a real WebSocket, the listener gets one message per {@link #request()} (the
 * first is implied by {@link Listener#onOpen}); signals go one at a time, on the callback executor
 * or on the thread that asked for the message, never on the server's threads. The server adds
 * events without waiting; they queue here, bounded by {@link #congested()} as the HTTP stream's
 * body is.
 *
 * <p>Ends: the server's close reaches the listener as {@code onClose(1000)} after what is queued;
 * the client's {@link #sendClose} drops what is queued, ends the server's watch and is echoed as
 * {@code onClose} (as a server answers a close frame); the client itself closing ends it with
 * {@code onError}, as a dropped connection would.
 */
final class LocalWebSocket implements WebSocket, OpenStreams.Stream {
  private static final Logger LOG = LoggerFactory.getLogger(LocalWebSocket.class);

  /** The normal closure status a server's ending watch sends (RFC 6455, 7.4.1). */
  static final int NORMAL_CLOSURE = 1000;

  private final Listener listener;
  private final Executor callbacks;
  private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
  private final EndCallbacks onEnd = new EndCallbacks();
  private long queuedBytes;
  private long demand;
  private boolean opened;
  private boolean outputClosed;

  /** The terminal signal still to deliver (onClose or onError), once set never replaced. */
  private Runnable terminal;

  /** Whether {@link #terminal} waits for the listener's demand (a close after messages does). */
  private boolean terminalNeedsDemand;

  private boolean terminated;
  private boolean scheduled;

  LocalWebSocket(Listener listener, Executor callbacks) {
    this.listener = listener;
    this.callbacks = callbacks;
  }

  /**
   * On the callback executor, before anything else reaches the listener: {@code onOpen}, which
   * implies the first request.
   */
  void open() {
    listener.onOpen(this);
    synchronized (this) {
      opened = true;
      demand++;
      schedule();
    }
  }

  /** Server side: queues one event (dropped once the socket is closing or closed). */
  void add(byte[] event) {
    synchronized (this) {
      if (terminal != null || terminated) {
        return;
      }
      queue.add(event);
      queuedBytes += event.length;
      schedule();
    }
  }

  /** Server side: the watch ended; the listener gets {@code onClose} after what is queued. */
  void end() {
    synchronized (this) {
      if (terminal == null && !terminated) {
        terminal = () -> listener.onClose(this, NORMAL_CLOSURE, "");
        terminalNeedsDemand = true;
        schedule();
      }
    }
    onEnd.end();
  }

  /** True when more than {@link ResponseBody#MAX_QUEUED_BYTES} wait for the listener. */
  synchronized boolean congested() {
    return queuedBytes > ResponseBody.MAX_QUEUED_BYTES;
  }

  /** True when a quarter of that waits: a watch's initial state then waits to be read on. */
  synchronized boolean behind() {
    return queuedBytes > ResponseBody.MAX_QUEUED_BYTES / 4;
  }

  @Override
  public void onEnd(Runnable r) {
    onEnd.add(r);
  }

  /** The client is closed: what is queued is dropped and the listener told of an error. */
  @Override
  public void cancel() {
    synchronized (this) {
      outputClosed = true;
      dropQueue();
      if (terminal == null && !terminated) {
        terminal =
            () -> listener.onError(this, new IOException("the in-process client was closed"));
        terminalNeedsDemand = false;
        schedule();
      }
    }
    onEnd.end();
  }

  /** Refused: a watch has nothing to send, and the server reads nothing from its socket. */
  @Override
  public boolean send(ByteBuffer buffer) {
    return false;
  }

  @Override
  public boolean sendClose(int code, String reason) {
    synchronized (this) {
      if (outputClosed) {
        return false;
      }
      outputClosed = true;
      dropQueue();
      if (terminal == null && !terminated) {
        terminal = () -> listener.onClose(this, code, reason == null ? "" : reason);
        terminalNeedsDemand = false;
      } else {
        terminalNeedsDemand = false; // the server's close no longer waits behind messages
      }
      schedule();
    }
    onEnd.end();
    return true;
  }

  /** Nothing is ever queued to send. */
  @Override
  public long queueSize() {
    return 0;
  }

  /**
   * When no signal is running, the next message is delivered on the calling thread (fabric8's,
   * which asks once it has handled the last one): a hop less per event than handing it to the
   * callback executor. A request made from within the listener's own callback only counts: its
   * message goes through the executor after the callback returns, so delivery never recurses.
   */
  @Override
  public void request() {
    boolean here;
    synchronized (this) {
      demand++;
      here = !scheduled && opened && !terminated && !queue.isEmpty();
      if (here) {
        scheduled = true;
      } else {
        schedule();
      }
    }
    if (here) {
      deliver();
    }
  }

  /** Holding the lock. */
  private void dropQueue() {
    queue.clear();
    queuedBytes = 0;
  }

  /** Holding the lock: runs {@link #deliver} when a signal is due and none is running. */
  private void schedule() {
    if (scheduled || !opened || terminated) {
      return;
    }
    boolean message = demand > 0 && !queue.isEmpty();
    boolean end = terminal != null && queue.isEmpty() && (demand > 0 || !terminalNeedsDemand);
    if (message || end) {
      scheduled = true;
      callbacks.execute(this::deliver);
    }
  }

  /** One at a time: one message or the terminal signal. */
  private void deliver() {
    byte[] message = null;
    Runnable end = null;
    synchronized (this) {
      if (terminated) {
        scheduled = false;
        return;
      }
      if (demand > 0 && !queue.isEmpty()) {
        message = queue.poll();
        queuedBytes -= message.length;
        demand--;
      } else if (terminal != null && queue.isEmpty() && (demand > 0 || !terminalNeedsDemand)) {
        end = terminal;
        terminated = true;
      } else {
        scheduled = false;
        return;
      }
    }
    try {
      if (message != null) {
        listener.onMessage(this, new String(message, StandardCharsets.UTF_8));
      } else {
        end.run();
      }
    } catch (RuntimeException | Error e) {
      LOG.debug("the listener of an in-process WebSocket failed", e);
      boolean tell;
      synchronized (this) {
        tell = !terminated;
        terminated = true;
        outputClosed = true;
        dropQueue();
      }
      onEnd.end();
      if (tell) {
        listener.onError(this, e);
      }
    } finally {
      synchronized (this) {
        scheduled = false;
        schedule();
      }
    }
  }
}
