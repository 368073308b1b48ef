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

  /**
   * The most series remembered, as client-go's event correlator keeps an LRU cache of 4,096. A hub
   * holding 10,000 templates records about seven series for each (its binding's sync, schedule and
   * status, each on binding and template): an hour of them was ~30 MiB of heap. Past this, a sweep
   * forgets the Normal series seen longest ago with nothing left to write; one that repeats later
   * finds its Event by name and counts on in it (see {@link EventRecorder#eventName}). Warnings
   * stay (a Succeed must find its Failed to delete it).
   */
  static final int MAX_SERIES = 4096;

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

  /** How many series are remembered. */
  int size() {
    return series.size();
  }

  long now() {
    return clock.getAsLong();
  }

  Entry entry(String objectKey, String reason) {
    sweepSometimes();
    return series.computeIfAbsent(
        objectKey + "|" + reason,
        k -> {
          Entry e = new Entry(objectKey);
          e.lastSeen = now(); // new, so last in line to be forgotten
          return e;
        });
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
    written(e, eventName, e.count, e.count);
  }

  /**
   * A write of {@code e} went out (caller holds the monitor): {@code sent} is the count it took
   * from the series, {@code stored} the count the Event now holds. They differ when the write
   * adopted an Event the series had forgotten: the series then counts on from the Event's count,
   * with the repeats recorded while the write ran still unwritten.
   */
  void written(Entry e, String eventName, int sent, int stored) {
    e.eventName = eventName;
    e.count += stored - sent;
    e.written = stored;
    e.lastWrite = now();
  }

  /**
   * After a write of {@code e} ended (caller holds the monitor; {@code flushDue} was kept set while
   * it ran, so repeats meanwhile were counted, not written): HOLD when such repeats wait, for the
   * rest of the series' interval (and the object's budget), else COUNTED and nothing is due.
   */
  Decision afterWrite(Entry e) {
    if (!e.pending()) {
      e.flushDue = false;
      return new Decision(Action.COUNTED, 0);
    }
    long now = now();
    long wait = Math.max(1, Math.max(e.lastWrite + INTERVAL_NANOS - now, tokenWait(e, now)));
    return new Decision(Action.HOLD, wait);
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
    forgetLeastRecent();
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

  /**
   * Past {@link #MAX_SERIES}: forgets the least recently seen Normal series with nothing to write,
   * and the budgets of objects left with no series (they start again from a full burst).
   */
  private void forgetLeastRecent() {
    int excess = series.size() - MAX_SERIES;
    if (excess <= 0) {
      return;
    }
    java.util.List<Map.Entry<String, Long>> idle = new java.util.ArrayList<>();
    for (Map.Entry<String, Entry> en : series.entrySet()) {
      Entry e = en.getValue();
      synchronized (e) {
        if (!e.flushDue && !"Warning".equals(e.type)) {
          idle.add(Map.entry(en.getKey(), e.lastSeen));
        }
      }
    }
    idle.sort(Map.Entry.comparingByValue());
    for (Map.Entry<String, Long> candidate : idle.subList(0, Math.min(excess, idle.size()))) {
      Entry e = series.get(candidate.getKey());
      if (e != null) {
        synchronized (e) {
          if (!e.flushDue && e.lastSeen == candidate.getValue()) {
            series.remove(candidate.getKey(), e);
          }
        }
      }
    }
    if (buckets.size() > MAX_SERIES) {
      java.util.Set<String> objects = new java.util.HashSet<>();
      series.values().forEach(e -> objects.add(e.objectKey));
      buckets.keySet().retainAll(objects);
    }
  }
}
