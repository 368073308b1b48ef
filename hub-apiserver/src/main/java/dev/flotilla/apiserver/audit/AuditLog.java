package dev.flotilla.apiserver.audit;

import dev.flotilla.apiserver.audit.AuditPolicy.Stage;
import dev.flotilla.apiserver.auth.UserInfo;
import dev.flotilla.apiserver.http.Reply;
import dev.flotilla.apiserver.http.RequestAudit;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.UUID;
import java.util.WeakHashMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log backend: the request pipeline's event loops only note what a request carries and
 * hand a snapshot to a bounded queue; one writer thread decides each event's level by the policy,
 * builds the {@code audit.k8s.io/v1} Event and appends it as a JSON line. Nothing on the request
 * path waits for the disk: when the queue is full (the disk cannot keep up) events are dropped and
 * counted, as upstream's batching backend does, rather than slowing every request.
 */
public final class AuditLog implements RequestAudit, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
  private static final int QUEUE = 16_384;
  private static final int BATCH = 1_024;

  /** One request's audit state, confined to its event loop until handed to the writer. */
  static final class Rec {
    final String auditId;
    final Instant received;
    final String method;
    final String uri;
    final String path;
    final String sourceIp;
    final String userAgent;
    final UserInfo user;
    UserInfo acting;
    Buffer body;
    String bodyType;
    Reply reply;
    boolean watchStarted;
    // Set from a worker; read by the writer after a queue hand-off.
    volatile String decision;
    volatile String reason;

    Rec(HttpServerRequest http, UserInfo user) {
      ThreadLocalRandom r = ThreadLocalRandom.current();
      // A version-4 UUID from the fast generator: audit IDs need uniqueness, not secrecy.
      long hi = (r.nextLong() & ~0xF000L) | 0x4000L;
      long lo = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
      this.auditId = new UUID(hi, lo).toString();
      this.received = Instant.now();
      this.method = http.method().name();
      this.uri = http.uri();
      this.path = http.path();
      this.sourceIp = http.remoteAddress() == null ? null : http.remoteAddress().hostAddress();
      this.userAgent = http.getHeader("User-Agent");
      this.user = user;
    }
  }

  /** One event to write: a request at a stage, with the response code where there is one. */
  record Captured(Rec rec, Stage stage, Instant at, int code) {}

  private final AuditPolicy policy;
  private final AuditFile file;
  private final BlockingQueue<Captured> queue = new ArrayBlockingQueue<>(QUEUE);
  private final Map<HttpServerRequest, Rec> inFlight =
      Collections.synchronizedMap(new WeakHashMap<>());
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong lastDropWarning = new AtomicLong();
  private final Thread writer;
  private final boolean omitsReceived;
  private volatile boolean running = true;

  private AuditLog(AuditPolicy policy, AuditFile file) {
    this.policy = policy;
    this.file = file;
    this.omitsReceived = policy.alwaysOmits(Stage.RequestReceived);
    this.writer = new Thread(this::writeLoop, "audit-log-writer");
    writer.setDaemon(true);
    writer.start();
  }

  /**
   * Opens the log as {@code options} say; empty (with a warning, as kube-apiserver gives) when no
   * policy file is given, since then nothing would be recorded.
   */
  public static java.util.Optional<AuditLog> open(AuditOptions options) {
    if (options.policyFile().isEmpty()) {
      LOG.warn(
          "--audit-log-path is set but --audit-policy-file is not: no audit events will be"
              + " recorded");
      return java.util.Optional.empty();
    }
    AuditPolicy policy = AuditPolicy.load(options.policyFile().get());
    try {
      return java.util.Optional.of(
          new AuditLog(
              policy,
              new AuditFile(
                  options.logPath(),
                  options.maxSizeMb(),
                  options.maxBackups(),
                  options.maxAgeDays())));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the audit log " + options.logPath(), e);
    }
  }

  /** Events dropped because the writer could not keep up. */
  public long dropped() {
    return dropped.get();
  }

  /** Events written so far. */
  public long written() {
    return written.get();
  }

  @Override
  public void begin(HttpServerRequest http, UserInfo user) {
    Rec rec = new Rec(http, user);
    inFlight.put(http, rec);
    if (!omitsReceived) {
      offer(new Captured(rec, Stage.RequestReceived, rec.received, 0));
    }
    // Fires once the last byte of any response (a reply, an extension's, an ended watch) is out.
    http.response().bodyEndHandler(v -> complete(http));
  }

  @Override
  public void acting(HttpServerRequest http, UserInfo acting) {
    Rec rec = inFlight.get(http);
    if (rec != null) {
      rec.acting = acting;
    }
  }

  @Override
  public void authorized(HttpServerRequest http, boolean allowed, String reason) {
    Rec rec = inFlight.get(http);
    if (rec != null) {
      rec.reason = reason == null ? "" : reason;
      rec.decision = allowed ? "allow" : "forbid";
    }
  }

  @Override
  public void requestBody(HttpServerRequest http, Buffer body) {
    Rec rec = inFlight.get(http);
    if (rec != null && body != null && body.length() > 0) {
      rec.body = body;
      rec.bodyType = http.getHeader("Content-Type");
    }
  }

  @Override
  public void reply(HttpServerRequest http, Reply reply) {
    Rec rec = inFlight.get(http);
    if (rec != null && !rec.watchStarted) {
      rec.reply = reply;
    }
  }

  @Override
  public void watchStarted(HttpServerRequest http) {
    Rec rec = inFlight.get(http);
    if (rec != null) {
      rec.watchStarted = true;
      offer(new Captured(rec, Stage.ResponseStarted, Instant.now(), 200));
    }
  }

  /** A watch the client dropped never ends its response: its end is the watch's. */
  @Override
  public void watchEnded(HttpServerRequest http) {
    complete(http);
  }

  private void complete(HttpServerRequest http) {
    Rec rec = inFlight.remove(http);
    if (rec != null) {
      offer(
          new Captured(
              rec, Stage.ResponseComplete, Instant.now(), http.response().getStatusCode()));
    }
  }

  private void offer(Captured c) {
    if (!running || queue.offer(c)) {
      return;
    }
    dropped.incrementAndGet();
    long now = System.nanoTime();
    long last = lastDropWarning.get();
    if (now - last > TimeUnit.SECONDS.toNanos(10) && lastDropWarning.compareAndSet(last, now)) {
      LOG.warn(
          "audit log writer cannot keep up: "
              + dropped.get()
              + " events dropped so far (the disk is too slow or the policy records too much)");
    }
  }

  private void writeLoop() {
    AuditEvents events = new AuditEvents(policy);
    java.util.List<Captured> batch = new java.util.ArrayList<>(BATCH);
    while (running || !queue.isEmpty()) {
      try {
        Captured first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, BATCH - 1);
        for (Captured c : batch) {
          byte[] line = events.line(c);
          if (line != null) {
            file.write(line);
            written.incrementAndGet();
          }
        }
        batch.clear();
        file.flush();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (IOException | RuntimeException e) {
        batch.clear();
        LOG.warn("writing the audit log failed", e);
      }
    }
  }

  @Override
  public void close() {
    running = false;
    try {
      writer.join(10_000);
      file.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      LOG.warn("closing the audit log failed", e);
    }
  }
}
