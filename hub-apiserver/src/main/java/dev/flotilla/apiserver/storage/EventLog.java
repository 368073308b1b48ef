package dev.flotilla.apiserver.storage;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The one revision-ordered log every watch is served from: a bounded in-memory window of recent
 * events plus fan-out to live subscribers. Watchers never query the store; a watch that starts
 * below the window gets {@link CompactedException}, as etcd answers for a compacted revision. The
 * window is bounded in events and in the bytes of their values, so large objects cannot make it
 * hold the heap (a watcher that falls further behind relists, as after a 410 upstream).
 */
public final class EventLog {
  private final int capacity;
  private final long maxBytes;
  private final ArrayDeque<StoreEvent> window = new ArrayDeque<>();
  private long bytes;
  private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();

  /**
   * The subscriptions whose prefix ends with '/' (a resource's or a namespace's), by prefix: an
   * event reaches them through the prefixes of its own key, not by a test against every subscriber.
   * At 100 members each event was offered to some 250 watches, 3.5% of the hub's CPU in a burst of
   * Work writes, and ten times that at 1,000 members.
   */
  private final java.util.Map<String, List<Subscription>> byPrefix =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** The other subscriptions (a prefix that ends mid-segment, or none), offered every event. */
  private final List<Subscription> unindexed = new CopyOnWriteArrayList<>();

  /** Every event with a revision above this one is in the window. */
  private long floor;

  private long lastRevision;

  public EventLog(int capacity, long startRevision) {
    this(capacity, Long.MAX_VALUE, startRevision);
  }

  /** A window of at most {@code capacity} events whose values add up to at most maxBytes. */
  public EventLog(int capacity, long maxBytes, long startRevision) {
    this.capacity = capacity;
    this.maxBytes = maxBytes;
    this.floor = startRevision;
    this.lastRevision = startRevision;
  }

  /** Seeds the window with history read back at startup, oldest first. */
  public synchronized void preload(long historyFloor, List<StoreEvent> history) {
    window.clear();
    bytes = 0;
    for (StoreEvent event : history) {
      window.addLast(event);
      bytes += weight(event);
    }
    floor = historyFloor;
    trim();
  }

  /** Appends committed events (in revision order) and hands them to matching subscribers. */
  public void publish(List<StoreEvent> events) {
    synchronized (this) {
      for (StoreEvent event : events) {
        window.addLast(event);
        bytes += weight(event);
        lastRevision = event.revision();
      }
      trim();
    }
    // Delivered outside the lock: a subscriber registering now has already replayed these from
    // the window, and Subscription.deliver drops anything at or below what it has seen.
    if (events.isEmpty()) {
      return;
    }
    long last = events.get(events.size() - 1).revision();
    for (StoreEvent event : events) {
      for (Subscription s : unindexed) {
        s.deliver(event);
      }
      String key = event.kv().key();
      for (int slash = key.indexOf('/'); slash >= 0; slash = key.indexOf('/', slash + 1)) {
        List<Subscription> matching = byPrefix.get(key.substring(0, slash + 1));
        if (matching != null) {
          for (Subscription s : matching) {
            s.deliver(event);
          }
        }
      }
    }
    for (Subscription s : subscriptions) {
      s.passed(last);
    }
  }

  private void register(Subscription s) {
    subscriptions.add(s);
    if (s.prefix.endsWith("/")) {
      byPrefix.compute(
          s.prefix,
          (p, list) -> {
            List<Subscription> out = list == null ? new CopyOnWriteArrayList<>() : list;
            out.add(s);
            return out;
          });
    } else {
      unindexed.add(s);
    }
  }

  private void unregister(Subscription s) {
    subscriptions.remove(s);
    unindexed.remove(s);
    byPrefix.computeIfPresent(
        s.prefix,
        (p, list) -> {
          list.remove(s);
          return list.isEmpty() ? null : list;
        });
  }

  /** Subscribes to events under {@code prefix} with revisions above {@code afterRevision}. */
  public Store.Watch subscribe(String prefix, long afterRevision, Consumer<StoreEvent> listener) {
    return subscribe(prefix, afterRevision, listener, () -> {});
  }

  /**
   * As {@link #subscribe(String, long, Consumer)}; {@code gone} runs, once, if the log {@link
   * #restart restarts} under the subscriber, which then has missed events and must list again.
   */
  public Store.Watch subscribe(
      String prefix, long afterRevision, Consumer<StoreEvent> listener, Runnable gone) {
    Subscription subscription = new Subscription(prefix, listener, gone);
    List<StoreEvent> replay = new ArrayList<>();
    synchronized (this) {
      if (afterRevision < floor) {
        throw new CompactedException(afterRevision, floor);
      }
      for (StoreEvent event : window) {
        if (event.revision() > afterRevision && event.kv().key().startsWith(prefix)) {
          replay.add(event);
        }
      }
      subscription.seen = Math.max(afterRevision, lastRevision);
      register(subscription);
    }
    // Replay happens after registration but events published meanwhile are above `seen` only if
    // they are new, so nothing is lost or doubled.
    for (StoreEvent event : replay) {
      listener.accept(event);
    }
    subscription.replayed();
    return new Store.Watch() {
      @Override
      public void close() {
        unregister(subscription);
      }

      @Override
      public long progress() {
        return subscription.progress();
      }
    };
  }

  /**
   * Starts the log over at {@code revision} after its source lost events it can never deliver (etcd
   * compacted them while the feed was cut off): the window is emptied, so a watch from below gets
   * "compacted", and every subscriber is ended and told through its {@code gone} callback, on this
   * thread, after the log has restarted. Nobody is left following a history with a hole in it.
   */
  public void restart(long revision) {
    List<Subscription> ended;
    synchronized (this) {
      window.clear();
      bytes = 0;
      floor = Math.max(floor, revision);
      lastRevision = Math.max(lastRevision, revision);
      ended = new ArrayList<>(subscriptions);
      subscriptions.clear();
      byPrefix.clear();
      unindexed.clear();
      ended.forEach(Subscription::end);
    }
    for (Subscription s : ended) {
      s.gone.run();
    }
  }

  /** Forgets events at or below {@code revision}, so watches from there get "compacted". */
  public synchronized void compact(long revision) {
    while (!window.isEmpty() && window.peekFirst().revision() <= revision) {
      bytes -= weight(window.removeFirst());
    }
    floor = Math.max(floor, revision);
  }

  /**
   * The retained events with revisions above {@code revision}, oldest first.
   *
   * @throws CompactedException if some of them are no longer retained
   */
  public synchronized List<StoreEvent> eventsAfter(long revision) {
    if (revision < floor) {
      throw new CompactedException(revision, floor);
    }
    List<StoreEvent> out = new ArrayList<>();
    for (StoreEvent event : window) {
      if (event.revision() > revision) {
        out.add(event);
      }
    }
    return out;
  }

  public synchronized long floor() {
    return floor;
  }

  public int subscriberCount() {
    return subscriptions.size();
  }

  /** Events and value bytes held in the window, for metrics and tests. */
  public synchronized long[] size() {
    return new long[] {window.size(), bytes};
  }

  private void trim() {
    // The newest event always stays, however large: a watcher at the head must be able to resume.
    while (window.size() > capacity || (bytes > maxBytes && window.size() > 1)) {
      StoreEvent dropped = window.removeFirst();
      bytes -= weight(dropped);
      floor = dropped.revision();
    }
  }

  /**
   * What an event holds on its own: its value. Its previous value is the earlier event's value or a
   * cached one, the same array, so it is not counted twice.
   */
  private static long weight(StoreEvent event) {
    return event.kv().value().length + 64L;
  }

  /** A subscriber and the revision it has been brought up to. */
  private static final class Subscription {
    private final String prefix;
    private final Consumer<StoreEvent> listener;
    private final Runnable gone;
    private final List<StoreEvent> pending = new ArrayList<>();
    private boolean replaying = true;
    private boolean ended;
    private long seen;

    /** Every event up to here that matches the prefix has reached the listener. */
    private long progress;

    Subscription(String prefix, Consumer<StoreEvent> listener, Runnable gone) {
      this.prefix = prefix;
      this.listener = listener;
      this.gone = gone;
    }

    synchronized void end() {
      ended = true;
      pending.clear();
    }

    synchronized void deliver(StoreEvent event) {
      if (ended || event.revision() <= seen || !event.kv().key().startsWith(prefix)) {
        return;
      }
      seen = event.revision();
      if (replaying) {
        pending.add(event);
      } else {
        listener.accept(event);
      }
    }

    void replayed() {
      synchronized (this) {
        for (Iterator<StoreEvent> it = pending.iterator(); !ended && it.hasNext(); ) {
          listener.accept(it.next());
          it.remove();
        }
        replaying = false;
        progress = Math.max(progress, seen);
      }
    }

    /** The log has published up to {@code revision} and handed this subscriber its share. */
    synchronized void passed(long revision) {
      if (!replaying && !ended) {
        progress = Math.max(progress, revision);
      }
    }

    synchronized long progress() {
      return progress;
    }
  }
}
