package dev.flotilla.controller.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.WeakHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records core/v1 Events about hub objects so {@code kubectl describe} shows what controllers
 * decided. Similar events are one series (one Event whose count and lastTimestamp grow, see {@link
 * EventSeries}), so a fan-out to many clusters writes a handful of Events, not one per member. A
 * Karmada {@code ...Succeed} event replaces its {@code ...Failed} counterpart on the same object: a
 * warning that no longer holds is deleted rather than left listed. Recording never fails a
 * reconcile, and never waits for the hub: the writes run on threads of their own.
 */
public final class EventRecorder {
  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);

  /** Held repeats are written by this one daemon thread, for every recorder of the process. */
  private static final ScheduledExecutorService FLUSHER =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "event-recorder-flush");
            t.setDaemon(true);
            return t;
          });

  /**
   * Every write runs on its hub's writers: never on the reconcile that records it, as client-go's
   * recorder writes from its own goroutine (in a burst each write waited about 160 ms on the hub's
   * queue, a third of the detector's time per template and half the scheduler's), and for held
   * repeats not on the timer thread. One pool per hub client, so a hub that is slow or gone
   * (another hub in this process, stopped) holds only its own Events: with one pool for the
   * process, writes to stopped hubs took all its threads and a new hub's Events waited minutes. At
   * most eight threads per hub, the rest queued (an unbounded pool grew to 42 threads under a burst
   * of series); idle threads exit. Events are the least urgent writes: a backlog only delays what
   * describe shows. The order of a series' writes is the process's, across clients (see {@link
   * SeriesStrands#PROCESS_ORDER}).
   */
  private static final Map<KubernetesClient, SeriesStrands> WRITERS = new WeakHashMap<>();

  private static synchronized SeriesStrands writersFor(KubernetesClient hub) {
    return WRITERS.computeIfAbsent(
        hub, h -> new SeriesStrands(newWriters(), SeriesStrands.PROCESS_ORDER));
  }

  private static ExecutorService newWriters() {
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            8,
            8,
            60,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "event-recorder-flush-write");
              t.setDaemon(true);
              return t;
            });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  private static final LongAdder RECORDED = new LongAdder();
  private static final LongAdder WRITES = new LongAdder();

  /** Flushes scheduled and not yet handed to the writers. */
  private static final java.util.concurrent.atomic.AtomicLong HELD =
      new java.util.concurrent.atomic.AtomicLong();

  static {
    // On the hub's /metrics/controllers: how far the Event writes lag what was recorded.
    io.micrometer.core.instrument.FunctionCounter.builder(
            "flotilla_events_recorded", RECORDED, LongAdder::sum)
        .description("Events recorded by the controllers (each repeat counts)")
        .register(io.micrometer.core.instrument.Metrics.globalRegistry);
    io.micrometer.core.instrument.FunctionCounter.builder(
            "flotilla_event_writes", WRITES, LongAdder::sum)
        .description("Event creates and patches the controllers made")
        .register(io.micrometer.core.instrument.Metrics.globalRegistry);
    io.micrometer.core.instrument.Gauge.builder("flotilla_event_writes_owed", SeriesStrands::owed)
        .description("Event writes and deletes queued or running on the writers")
        .register(io.micrometer.core.instrument.Metrics.globalRegistry);
    io.micrometer.core.instrument.Gauge.builder("flotilla_event_flushes_held", HELD::get)
        .description("Series whose repeats wait for their interval or their object's budget")
        .register(io.micrometer.core.instrument.Metrics.globalRegistry);
  }

  private final KubernetesClient hub;
  private final String component;

  /**
   * Shared by every recorder of the process, so a {@code ...Succeed} from one controller replaces
   * the {@code ...Failed} another recorded on the same object (the interpreter's and the binding
   * controller's AggregateStatus, say), and an object's budget is one.
   */
  private static final EventSeries SERIES = new EventSeries(System::nanoTime);

  private final EventSeries series;

  /** The hub's writers, each series' writes and delete in order (see {@link SeriesStrands}). */
  private final SeriesStrands writers;

  public EventRecorder(KubernetesClient hub, String component) {
    this(hub, component, SERIES, writersFor(hub));
  }

  /** A recorder on its own series bookkeeping, writing on the recording thread (tests). */
  EventRecorder(KubernetesClient hub, String component, EventSeries series) {
    this(hub, component, series, new SeriesStrands(Runnable::run));
  }

  /** A recorder on its own series bookkeeping whose writes run on {@code writers} (tests). */
  EventRecorder(
      KubernetesClient hub,
      String component,
      EventSeries series,
      java.util.concurrent.Executor writers) {
    this(hub, component, series, new SeriesStrands(writers));
  }

  private EventRecorder(
      KubernetesClient hub, String component, EventSeries series, SeriesStrands writers) {
    this.hub = hub;
    this.component = component;
    this.series = series;
    this.writers = writers;
  }

  /** The object an event is about. */
  public record Ref(String apiVersion, String kind, String namespace, String name, String uid) {
    /** A reference to a stored object (apiVersion, kind, metadata). */
    public static Ref of(JsonNode obj) {
      return new Ref(
          Trees.text(obj, "apiVersion"),
          Trees.text(obj, "kind"),
          Trees.text(obj, "metadata", "namespace"),
          Trees.text(obj, "metadata", "name"),
          Trees.text(obj, "metadata", "uid"));
    }

    /** The resource template a (Cluster)ResourceBinding is for, from its spec.resource. */
    public static Ref templateOf(JsonNode binding) {
      JsonNode r = binding.path("spec").path("resource");
      return new Ref(
          Trees.text(r, "apiVersion"),
          Trees.text(r, "kind"),
          Trees.text(r, "namespace"),
          Trees.text(r, "name"),
          Trees.text(r, "uid"));
    }

    String key() {
      return kind + "|" + namespace + "|" + name + "|" + uid;
    }
  }

  /** Events recorded by every recorder of this process (each call counts). */
  public static long recorded() {
    return RECORDED.sum();
  }

  /** Event writes (creates and patches) made by every recorder of this process. */
  public static long writes() {
    return WRITES.sum();
  }

  /** Records an event; cluster-scoped objects get theirs in "default", as upstream. */
  public void record(
      String apiVersion,
      String kind,
      String namespace,
      String name,
      String uid,
      String type,
      String reason,
      String message) {
    record(new Ref(apiVersion, kind, namespace, name, uid), type, reason, message);
  }

  /**
   * Records an event about {@code ref}. Only bookkeeping runs here: the write, and the delete of a
   * counterpart it replaces, run on the hub's writers.
   */
  public void record(Ref ref, String type, String reason, String message) {
    RECORDED.increment();
    String counterpart = counterpart(reason);
    if (counterpart != null) {
      resolve(ref, counterpart);
    }
    EventSeries.Entry e = series.entry(ref.key(), reason);
    synchronized (e) {
      EventSeries.Decision d = series.record(e, type, message);
      switch (d.action()) {
        case CREATE, PATCH -> queueWrite(ref, reason, e);
        case HOLD -> scheduleFlush(ref, reason, e, d.delayNanos());
        case COUNTED -> {}
      }
    }
  }

  /**
   * Hands the write to {@link #writers} (caller holds the monitor). Until it has been written the
   * series counts as held, so repeats meanwhile are counted into a later write instead of writing
   * again.
   */
  private void queueWrite(Ref ref, String reason, EventSeries.Entry e) {
    e.flushDue = true;
    writers.execute(seriesKey(ref, reason), () -> writeOut(ref, reason, e, false));
  }

  /**
   * The {@code reason} series on {@code ref} no longer holds: its Event is deleted, so {@code
   * kubectl describe} stops listing it. The delete runs on the writers, after any write of the
   * series still under way (its Event's name may come from that write) and before any write of a
   * series recorded again under the same name.
   */
  public void resolve(Ref ref, String reason) {
    EventSeries.Entry old = series.remove(ref.key(), reason);
    if (old == null) {
      return;
    }
    synchronized (old) {
      old.flushDue = false;
      old.written = old.count; // a flush already scheduled finds nothing to write
    }
    writers.execute(seriesKey(ref, reason), () -> delete(ref, old));
  }

  private void delete(Ref ref, EventSeries.Entry old) {
    String eventName;
    synchronized (old) {
      eventName = old.eventName;
    }
    if (eventName != null) {
      try {
        hub.v1().events().inNamespace(namespace(ref)).withName(eventName).delete();
      } catch (RuntimeException ex) {
        LOG.debug("could not delete event " + eventName, ex);
      }
    }
  }

  /** Karmada's pairs: {@code XSucceed} and {@code XFailed}. */
  static String counterpart(String reason) {
    if (reason.endsWith("Succeed")) {
      return reason.substring(0, reason.length() - "Succeed".length()) + "Failed";
    }
    if (reason.endsWith("Failed")) {
      return reason.substring(0, reason.length() - "Failed".length()) + "Succeed";
    }
    return null;
  }

  private void scheduleFlush(Ref ref, String reason, EventSeries.Entry e, long delayNanos) {
    HELD.incrementAndGet();
    FLUSHER.schedule(
        () -> {
          HELD.decrementAndGet();
          writers.execute(seriesKey(ref, reason), () -> writeOut(ref, reason, e, true));
        },
        delayNanos,
        TimeUnit.NANOSECONDS);
  }

  /** What a write sends: the series as it stood when the write began. */
  private record Pending(String eventName, String type, String message, int count, int written) {
    static Pending of(EventSeries.Entry e) {
      return new Pending(e.eventName, e.type, e.message, e.count, e.written);
    }
  }

  /** Where a write left the series' Event: its name and the count it holds. */
  private record Written(String eventName, int count) {}

  /**
   * Writes the series out, on its strand of the writers. The monitor is held only to read the
   * series and to note the write, never during the request: a reconcile recording on the series
   * meanwhile counts its event and goes on. {@code flush}: a held repeat's timer, which asks the
   * series first whether the object's budget allows a write now.
   */
  private void writeOut(Ref ref, String reason, EventSeries.Entry e, boolean flush) {
    Pending p;
    synchronized (e) {
      if (!e.flushDue || series.existing(ref.key(), reason) != e) {
        return; // resolved meanwhile: its counterpart replaced it
      }
      if (flush) {
        EventSeries.Decision d = series.flush(e);
        switch (d.action()) {
          case HOLD -> {
            scheduleFlush(ref, reason, e, d.delayNanos());
            return;
          }
          case COUNTED -> {
            return;
          }
          case CREATE, PATCH -> e.flushDue = true; // held while the write runs
        }
      } else if (!e.pending()) {
        e.flushDue = false;
        return;
      }
      p = Pending.of(e);
    }
    Written w = write(ref, reason, p);
    synchronized (e) {
      if (w == null) {
        e.flushDue = false; // failed: the next record writes again, as before the write
        return;
      }
      series.written(e, w.eventName(), p.count(), w.count());
      if (series.existing(ref.key(), reason) != e) {
        return; // resolved while it was written: the delete queued behind this write removes it
      }
      EventSeries.Decision d = series.afterWrite(e);
      if (d.action() == EventSeries.Action.HOLD) {
        scheduleFlush(ref, reason, e, d.delayNanos());
      }
    }
  }

  /** Writes {@code p} (no monitor held); null when it failed. */
  private Written write(Ref ref, String reason, Pending p) {
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    String ns = namespace(ref);
    try {
      if (p.eventName() != null && patch(ns, p.eventName(), p, p.count(), now, null)) {
        WRITES.increment();
        return new Written(p.eventName(), p.count());
      }
      // New, or deleted or expired meanwhile: the series' Event is created under its own name.
      String eventName = eventName(ref, reason);
      Written w;
      try {
        create(ref, reason, p, ns, eventName, now);
        w = new Written(eventName, p.count());
      } catch (KubernetesClientException ex) {
        if (ex.getCode() != 409) {
          throw ex;
        }
        // The series was forgotten (past the cap, by a restart, in another replica) while its
        // Event stayed: the repeat counts on in that Event rather than listing a second one.
        w = adopt(ref, reason, p, ns, eventName, now);
      }
      WRITES.increment();
      return w;
    } catch (RuntimeException ex) {
      LOG.debug("could not record event " + reason + " on " + ref.kind() + " " + ref.name(), ex);
      return null;
    }
  }

  private static String seriesKey(Ref ref, String reason) {
    return ref.key() + "|" + reason;
  }

  /**
   * The series' Event name: {@code <object>.<16 hex digits>}, the shape of client-go's names, with
   * the digits taken from the series (object, uid and reason) instead of the clock, so a repeat
   * finds its Event without remembering it.
   */
  static String eventName(Ref ref, String reason) {
    try {
      byte[] d =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest((ref.key() + "|" + reason).getBytes(StandardCharsets.UTF_8));
      return ref.name() + "." + HexFormat.of().formatHex(d, 0, 8);
    } catch (java.security.NoSuchAlgorithmException ex) {
      throw new IllegalStateException(ex); // every JDK has SHA-256
    }
  }

  /** Merge-patches {@code count} and the latest event into {@code name}; false when it is gone. */
  private boolean patch(String ns, String name, Pending p, int count, String now, String version) {
    ObjectNode patch = Trees.MAPPER.createObjectNode();
    if (version != null) {
      patch.putObject("metadata").put("resourceVersion", version);
    }
    patch.put("count", count);
    patch.put("message", p.message());
    patch.put("type", p.type());
    patch.put("lastTimestamp", now);
    try {
      // Given the object (its name), fabric8 patches without reading it first.
      hub.v1()
          .events()
          .inNamespace(ns)
          .resource(
              new EventBuilder()
                  .withNewMetadata()
                  .withName(name)
                  .withNamespace(ns)
                  .endMetadata()
                  .build())
          .patch(PatchContext.of(PatchType.JSON_MERGE), patch.toString());
      return true;
    } catch (KubernetesClientException ex) {
      if (ex.getCode() != 404) {
        throw ex;
      }
      return false;
    }
  }

  /**
   * Takes over the Event found under the series' name: the count goes on from the Event's own, with
   * the version read as the patch's precondition so a concurrent writer's count is not lost. An
   * Event of another series under that name (a hash collision) is left, and this one gets a name of
   * its own. Returns the name written and the count it holds.
   */
  private Written adopt(Ref ref, String reason, Pending p, String ns, String name, String now) {
    int unwritten = p.count() - p.written();
    for (int attempt = 0; ; attempt++) {
      Event existing = hub.v1().events().inNamespace(ns).withName(name).get();
      if (existing == null) {
        create(ref, reason, p, ns, name, now); // deleted since: create it after all
        return new Written(name, p.count());
      }
      if (!sameSeries(existing, ref, reason)) {
        String own = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        create(ref, reason, p, ns, own, now);
        return new Written(own, p.count());
      }
      int base = existing.getCount() == null ? 1 : existing.getCount();
      int count = base + unwritten;
      try {
        if (patch(ns, name, p, count, now, existing.getMetadata().getResourceVersion())) {
          return new Written(name, count);
        }
      } catch (KubernetesClientException ex) {
        if (ex.getCode() != 409 || attempt >= 2) {
          throw ex;
        }
      }
    }
  }

  private static boolean sameSeries(Event event, Ref ref, String reason) {
    io.fabric8.kubernetes.api.model.ObjectReference o = event.getInvolvedObject();
    return o != null
        && reason.equals(event.getReason())
        && java.util.Objects.equals(o.getKind(), ref.kind())
        && java.util.Objects.equals(o.getName(), ref.name())
        && java.util.Objects.equals(o.getUid(), ref.uid());
  }

  private void create(Ref ref, String reason, Pending p, String ns, String eventName, String now) {
    hub.v1()
        .events()
        .inNamespace(ns)
        .resource(
            new EventBuilder()
                .withNewMetadata()
                .withName(eventName)
                .withNamespace(ns)
                .endMetadata()
                .withInvolvedObject(
                    new ObjectReferenceBuilder()
                        .withApiVersion(ref.apiVersion())
                        .withKind(ref.kind())
                        .withNamespace(ref.namespace())
                        .withName(ref.name())
                        .withUid(ref.uid())
                        .build())
                .withType(p.type())
                .withReason(reason)
                .withMessage(p.message())
                .withNewSource()
                .withComponent(component)
                .endSource()
                .withFirstTimestamp(now)
                .withLastTimestamp(now)
                .withCount(p.count())
                .withReportingComponent(component)
                .build())
        .create();
  }

  private static String namespace(Ref ref) {
    return ref.namespace() == null ? "default" : ref.namespace();
  }
}
