package dev.flotilla.inprocess;

import io.fabric8.kubernetes.client.http.AsyncBody;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A response body handed to fabric8 as it is produced. The server adds bytes without ever waiting
 * (it must not: it writes from an event loop); they queue here until the consumer asks for more
 * ({@link #consume()}), and then everything queued goes to it in one call on the callback executor,
 * one call at a time. The queue is bounded by {@link #congested()}: a watch whose reader falls that
 * far behind is ended by the server and re-watched by fabric8, as over HTTPS.
 */
final class ResponseBody implements AsyncBody, OpenStreams.Stream {
  private static final Logger LOG = LoggerFactory.getLogger(ResponseBody.class);

  /** As the HTTPS watch's write queue bound. */
  static final long MAX_QUEUED_BYTES = 16L * 1024 * 1024;

  private final AsyncBody.Consumer<List<ByteBuffer>> consumer;
  private final Executor callbacks;
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
  private final EndCallbacks onEnd = new EndCallbacks();
  private long queuedBytes;
  private boolean ended;
  private boolean requested;
  private boolean scheduled;

  ResponseBody(AsyncBody.Consumer<List<ByteBuffer>> consumer, Executor callbacks) {
    this.consumer = consumer;
    this.callbacks = callbacks;
  }

  /** Server side: queues bytes (dropped once the body is cancelled or ended). */
  void add(ByteBuffer bytes) {
    synchronized (this) {
      if (ended || done.isDone()) {
        return;
      }
      queue.add(bytes);
      queuedBytes += bytes.remaining();
      schedule();
    }
  }

  /** Server side: no more bytes; the body completes once the consumer has had what is queued. */
  void end() {
    synchronized (this) {
      if (ended) {
        return;
      }
      ended = true;
      schedule();
    }
    onEnd.end();
  }

  /** True when more than {@link #MAX_QUEUED_BYTES} wait for the consumer. */
  synchronized boolean congested() {
    return queuedBytes > MAX_QUEUED_BYTES;
  }

  /** True when a quarter of that waits: a watch's initial state then waits to be read on. */
  synchronized boolean behind() {
    return queuedBytes > MAX_QUEUED_BYTES / 4;
  }

  /**
   * Runs {@code r} once when the body ends from either side: the server ended it or the client
   * cancelled it (at once if that has happened).
   */
  @Override
  public void onEnd(Runnable r) {
    onEnd.add(r);
  }

  @Override
  public void consume() {
    synchronized (this) {
      if (done.isDone()) {
        return;
      }
      requested = true;
      schedule();
    }
  }

  @Override
  public CompletableFuture<Void> done() {
    return done;
  }

  @Override
  public void cancel() {
    synchronized (this) {
      queue.clear();
      queuedBytes = 0;
      ended = true;
    }
    done.cancel(false);
    onEnd.end();
  }

  /** Holding the lock: hands the queue over when the consumer wants it, or completes the body. */
  private void schedule() {
    boolean deliverable = requested && !queue.isEmpty();
    boolean finished = ended && queue.isEmpty();
    if (!scheduled && (deliverable || finished) && !done.isDone()) {
      scheduled = true;
      callbacks.execute(this::deliver);
    }
  }

  /** On the callback executor; one at a time (signals are serial, as a Flow subscriber's). */
  private void deliver() {
    List<ByteBuffer> batch = null;
    synchronized (this) {
      if (requested && !queue.isEmpty() && !done.isDone()) {
        batch = new ArrayList<>(queue);
        queue.clear();
        queuedBytes = 0;
        requested = false;
      } else {
        scheduled = false;
        if (!ended || !queue.isEmpty() || done.isDone()) {
          return;
        }
      }
    }
    if (batch == null) {
      done.complete(null);
      return;
    }
    try {
      consumer.consume(batch, this);
    } catch (Exception | Error e) {
      LOG.debug("the consumer of an in-process response failed", e);
      done.completeExceptionally(e);
      cancel();
    } finally {
      synchronized (this) {
        scheduled = false;
        schedule();
      }
    }
  }
}
