package dev.flotilla.store.etcd;

import dev.flotilla.apiserver.storage.EventLog;
import dev.flotilla.apiserver.storage.KeyValue;
import dev.flotilla.apiserver.storage.StoreEvent;
import dev.flotilla.apiserver.storage.ValueEncoder;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's one etcd watch: every change under the prefix, with previous values, appended to the
 * hub's own event window, from which every client watch is served. Client watches never open etcd
 * watches of their own, however many there are.
 */
final class EtcdEventFeed implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EtcdEventFeed.class);
  private static final ByteSequence ALL = ByteSequence.from("/", StandardCharsets.UTF_8);

  private final Client client;
  private final EventLog log;
  private final StampedValues values;
  private final LongSupplier currentRevision;

  /**
   * Where the feed recovers, off jetcd's threads: recovering reads etcd, and a read awaited on the
   * thread that would deliver its answer never ends.
   */
  private final ScheduledExecutorService recovery =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "etcd-feed-recovery");
            t.setDaemon(true);
            return t;
          });

  /**
   * Our own deletes in flight, by key: their event may arrive before etcd's answer to the delete,
   * so the tombstone is registered before the delete is sent.
   */
  private final Map<String, PendingDelete> deletes = new ConcurrentHashMap<>();

  /** A delete this hub sent: the revision it expects the key at (0 = any) and its tombstone. */
  record PendingDelete(long expected, ValueEncoder tombstone) {}

  private volatile long lastRevision;
  private volatile Watch.Watcher watcher;
  private volatile boolean closed;
  private volatile int restarts;

  EtcdEventFeed(
      Client client,
      EventLog log,
      StampedValues values,
      long startRevision,
      LongSupplier currentRevision) {
    this.client = client;
    this.log = log;
    this.values = values;
    this.lastRevision = startRevision;
    this.currentRevision = currentRevision;
  }

  /** How many times the feed lost history and started over from a fresh revision. */
  int restarts() {
    return restarts;
  }

  void start() {
    WatchOption option =
        WatchOption.builder()
            .isPrefix(true)
            .withPrevKV(true)
            .withRevision(lastRevision + 1)
            .withProgressNotify(true)
            .build();
    watcher = client.getWatchClient().watch(ALL, option, this::onResponse, this::onError);
  }

  /** The newest revision the window has been brought up to. */
  long lastRevision() {
    return lastRevision;
  }

  void deleting(String key, PendingDelete delete) {
    deletes.put(key, delete);
  }

  void deleted(String key, PendingDelete delete) {
    deletes.remove(key, delete);
  }

  private void onResponse(WatchResponse response) {
    List<StoreEvent> events = new ArrayList<>(response.getEvents().size());
    for (WatchEvent e : response.getEvents()) {
      if (!e.getKeyValue().getKey().equals(EtcdStore.COMPACT_KEY)) { // the store's, no object
        events.add(toEvent(e));
      }
    }
    if (!events.isEmpty()) {
      log.publish(events);
      lastRevision = events.get(events.size() - 1).revision();
    }
  }

  private StoreEvent toEvent(WatchEvent e) {
    io.etcd.jetcd.KeyValue now = e.getKeyValue();
    io.etcd.jetcd.KeyValue before = e.getPrevKV();
    String key = StampedValues.key(now.getKey());
    KeyValue prev =
        before == null || before.getModRevision() == 0
            ? null
            : new KeyValue(
                key,
                values.read(key, before.getModRevision(), before.getValue()),
                before.getCreateRevision(),
                before.getModRevision());
    if (e.getEventType() == WatchEvent.EventType.DELETE) {
      long rev = now.getModRevision();
      PendingDelete ours = deletes.get(key);
      byte[] tombstone = null;
      if (ours != null
          && (ours.expected() == 0
              || before != null && ours.expected() == before.getModRevision())) {
        deletes.remove(key, ours); // consumed: its event is this one
        if (ours.tombstone() != null) {
          tombstone = ours.tombstone().encode(rev);
        }
      }
      if (tombstone == null) {
        // Deleted through another hub: its last value, stamped with the delete's revision, which
        // is what that hub's tombstone holds too.
        tombstone = prev == null ? new byte[0] : values.stampOnly(key, before.getValue(), rev);
      }
      long created = prev == null ? rev : prev.createRevision();
      return new StoreEvent(
          StoreEvent.Type.DELETE, new KeyValue(key, tombstone, created, rev), prev);
    }
    KeyValue kv =
        new KeyValue(
            key,
            values.read(key, now.getModRevision(), now.getValue()),
            now.getCreateRevision(),
            now.getModRevision());
    return new StoreEvent(StoreEvent.Type.PUT, kv, prev);
  }

  private void onError(Throwable t) {
    if (closed) {
      return;
    }
    Watch.Watcher broken = watcher;
    if (broken != null) {
      broken.close();
    }
    if (t instanceof CompactedException c) {
      // jetcd resumes a broken watch by itself from the last revision it delivered; this error
      // means that revision was compacted while the watch was cut off, so the changes in between
      // are gone for good. Nobody may go on as if they had seen them: the window starts over at
      // the present and every watcher of this hub is ended (a client gets 410 and lists again).
      LOG.warn(
          "etcd watch cannot resume after revision "
              + lastRevision
              + ": compacted up to "
              + c.getCompactedRevision()
              + "; every watch of this hub ends and lists again");
      recovery.execute(this::restartFromPresent);
    } else {
      // Anything else (etcd unreachable for longer than jetcd retries): resume where the window
      // stands; if that revision is gone by then, etcd says so and we come back above.
      LOG.warn("etcd watch ended at revision " + lastRevision + ": " + t, t);
      recovery.schedule(this::resume, 1, TimeUnit.SECONDS);
    }
  }

  private void resume() {
    if (!closed) {
      start();
    }
  }

  private void restartFromPresent() {
    if (closed) {
      return;
    }
    long now;
    try {
      now = currentRevision.getAsLong();
    } catch (RuntimeException e) {
      LOG.warn("etcd unreachable while restarting the watch; retrying", e);
      recovery.schedule(this::restartFromPresent, 1, TimeUnit.SECONDS);
      return;
    }
    lastRevision = now;
    restarts++;
    log.restart(now);
    start();
  }

  @Override
  public void close() {
    closed = true;
    recovery.shutdownNow();
    Watch.Watcher w = watcher;
    if (w != null) {
      w.close();
    }
  }
}
