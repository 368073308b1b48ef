package dev.flotilla.controller.runtime;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The bookkeeping behind {@link EventRecorder}, without I/O: one Event per (object, reason) series,
 * as client-go's event correlator aggregates similar events, with repeats counted rather than
 * written each time. A series is written at most once per interval, and each object draws its
 * Normal events' writes from a token bucket (client-go's spam filter: a burst of 25, then one per
 * five minutes). A repeat that may not be written now is held and written later with its count, so
 * the newest state is never lost, only late.
 */
final class EventSeries {
  /** A repeat within this long of the series' last write is held and written at its end. */
  static final long INTERVAL_NANOS = 10_000_000_000L;

  static final int BURST = 25;
  static final long REFILL_NANOS = 300_000_000_000L;

  /** Series not recorded for this long are forgotten (kube-apiserver's default event TTL). */
  static final long FORGET_NANOS = 3_600_000_000_000L;

  /** What to do with a recorded event. */
  enum Action {
    /** Create a new Event object for the series. */
    CREATE,
    /** Patch the series' Event with the new count, message and time. */
    PATCH,
    /** Hold it: {@link Decision#delayNanos()} from now a flush writes what then is pending. */
    HOLD,
    /** Already held, and a flush is due: nothing to do. */
    COUNTED
  }

  /** The decision for one recorded event. */
  record Decision(Action action, long delayNanos) {}

  /** One (object, reason) series. Guarded by its own monitor. */
  static final class Entry {
    final String objectKey;
    String eventName;
    String type;
    String message;
    int count;
    int written;
    long lastWrite;
    long lastSeen;
    boolean flushDue;

    Entry(String objectKey) {
      this.objectKey = objectKey;
    }

    /** Whether recorded events wait to be written. */
    boolean pending() {
      return count > written;
    }
  }

  private static final class Bucket {
    double tokens = BURST;
    long refilled;

    Bucket(long now) {
      refilled = now;
    }
  }

  private final LongSupplier clock;
  private final Map<String, Entry> series = new ConcurrentHashMap<>();
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicInteger sinceSweep =
      new java.util.concurrent.atomic.AtomicInteger();

  EventSeries(LongSupplier nanoClock) {
    this.clock = nanoClock;
  }

  long now() {
    return clock.getAsLong();
  }

  Entry entry(String objectKey, String reason) {
    sweepSometimes();
    return series.computeIfAbsent(objectKey + "|" + reason, k -> new Entry(objectKey));
  }

  /** The series of {@code reason} on the object, if one was recorded. */
  Entry existing(String objectKey, String reason) {
    return series.get(objectKey + "|" + reason);
  }

  Entry remove(String objectKey, String reason) {
    return series.remove(objectKey + "|" + reason);
  }

  /** Counts one event into {@code e} (caller holds its monitor) and says what to write. */
  Decision record(Entry e, String type, String message) {
    long now = now();
    e.type = type;
    e.message = message;
    e.count++;
    e.lastSeen = now;
    if (e.flushDue) {
      return new Decision(Action.COUNTED, 0);
    }
    long wait = e.eventName == null ? 0 : Math.max(0, e.lastWrite + INTERVAL_NANOS - now);
    wait = Math.max(wait, tokenWait(e, now));
    if (wait > 0) {
      e.flushDue = true;
      return new Decision(Action.HOLD, wait);
    }
    take(e);
    return new Decision(e.eventName == null ? Action.CREATE : Action.PATCH, 0);
  }

  /**
   * At a flush (caller holds the monitor): what to write now, or HOLD again when the object has no
   * token yet.
   */
  Decision flush(Entry e) {
    long now = now();
    long wait = tokenWait(e, now);
    if (wait > 0) {
      return new Decision(Action.HOLD, wait);
    }
    e.flushDue = false;
    if (!e.pending()) {
      return new Decision(Action.COUNTED, 0);
    }
    take(e);
    return new Decision(e.eventName == null ? Action.CREATE : Action.PATCH, 0);
  }

  /** The write of {@code e} up to its current count went out (caller holds the monitor). */
  void written(Entry e, String eventName) {
    e.eventName = eventName;
    e.written = e.count;
    e.lastWrite = now();
  }

  /**
   * How long the object's budget makes {@code e} wait. Warnings do not wait on it (only on their
   * series' interval): what went wrong must show while it holds, however busy the object was.
   */
  private long tokenWait(Entry e, long now) {
    if ("Warning".equals(e.type)) {
      return 0;
    }
    Bucket b = buckets.computeIfAbsent(e.objectKey, k -> new Bucket(now));
    synchronized (b) {
      refill(b, now);
      return b.tokens >= 1 ? 0 : (long) ((1 - b.tokens) * REFILL_NANOS) + 1;
    }
  }

  private void take(Entry e) {
    if ("Warning".equals(e.type)) {
      return; // not drawn from the budget
    }
    Bucket b = buckets.get(e.objectKey);
    synchronized (b) {
      b.tokens -= 1;
    }
  }

  private static void refill(Bucket b, long now) {
    double gained = (now - b.refilled) / (double) REFILL_NANOS;
    b.tokens = Math.min(BURST, b.tokens + gained);
    b.refilled = now;
  }

  /** Old series and full buckets go, so the maps do not grow with every object ever seen. */
  private void sweepSometimes() {
    if (sinceSweep.incrementAndGet() % 1024 != 0) {
      return;
    }
    long now = now();
    for (Iterator<Entry> it = series.values().iterator(); it.hasNext(); ) {
      Entry e = it.next();
      synchronized (e) {
        if (!e.flushDue && now - e.lastSeen > FORGET_NANOS) {
          it.remove();
        }
      }
    }
    buckets
        .entrySet()
        .removeIf(
            en -> {
              synchronized (en.getValue()) {
                refill(en.getValue(), now);
                return en.getValue().tokens >= BURST;
              }
            });
  }
}
