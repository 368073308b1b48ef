package dev.flotilla.apiserver.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.objects.DeleteOptions;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.objects.ResourceStorage;
import dev.flotilla.apiserver.objects.StorageKeys;
import dev.flotilla.apiserver.registry.ResourceType;
import dev.flotilla.apiserver.storage.KeyValue;
import dev.flotilla.apiserver.storage.RangeResult;
import dev.flotilla.apiserver.storage.Store;
import dev.flotilla.apiserver.storage.StoreEvent;
import dev.flotilla.workqueue.Pools;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube-apiserver's {@code --event-ttl}: an Event (core/v1 and events.k8s.io/v1) is deleted once
 * {@code ttl} has passed since its last write, as the lease etcd gives every Event write does
 * upstream. It works on any {@link Store}: a watch notes when each Event was last written, and a
 * sweep deletes the expired ones, pinned to the revision it saw, so a write that just renewed an
 * Event keeps it.
 */
public final class EventExpiry implements AutoCloseable {
  public static final String NAME = "event-ttl";

  /** kube-apiserver's default {@code --event-ttl}. */
  public static final Duration DEFAULT_TTL = Duration.ofHours(1);

  private static final Logger LOG = LoggerFactory.getLogger(EventExpiry.class);
  private static final int PAGE = 1000;

  /** The fields {@link #lastActivity} reads: every stored Event is read at start, only these. */
  private static final java.util.Set<String> TIMESTAMPS =
      java.util.Set.of(
          "metadata", "lastTimestamp", "eventTime", "deprecatedLastTimestamp", "series");

  private final ResourceStorage storage;
  private final Duration ttl;
  private final List<ResourceType> types = new ArrayList<>();
  private final Map<String, Written> written = new ConcurrentHashMap<>();
  private final List<Store.Watch> watches = new ArrayList<>();
  private final ScheduledThreadPoolExecutor timer = Pools.scheduled(NAME, 1, 10);

  /**
   * When an Event's key was last written (epoch milliseconds), and at which revision: no more, as
   * there is one per stored Event (tens of thousands on a busy hub); the key is the map's.
   */
  private record Written(long revision, long atMillis) {}

  /** Expires the Events of {@code storage} {@code ttl} after their last write. */
  public EventExpiry(ResourceStorage storage, Duration ttl) {
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("the event TTL must be positive, got " + ttl);
    }
    this.storage = storage;
    this.ttl = ttl;
    storage.registry().find("", "v1", "events").ifPresent(types::add);
    storage.registry().find("events.k8s.io", "v1", "events").ifPresent(types::add);
  }

  /** Notes every Event from now on, then the ones stored already, and starts sweeping. */
  public void start() {
    long revision = storage.store().currentRevision();
    for (ResourceType type : types) {
      String prefix = StorageKeys.resourcePrefix(type);
      watches.add(
          storage
              .store()
              .watch(
                  prefix,
                  revision,
                  (StoreEvent e) -> {
                    String key = e.kv().key();
                    if (e.type() == StoreEvent.Type.DELETE) {
                      written.remove(key);
                    } else {
                      written.put(
                          key, new Written(e.kv().modRevision(), System.currentTimeMillis()));
                    }
                  }));
    }
    timer.execute(() -> listStored(revision));
    long period = Math.max(1_000, Math.min(60_000, ttl.toMillis() / 10));
    timer.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
  }

  /**
   * Events stored before the start: their own latest timestamp stands for their last write (after a
   * restart, an etcd lease would have kept counting), never later than now.
   */
  private void listStored(long revision) {
    Instant now = Instant.now();
    for (ResourceType type : types) {
      String prefix = StorageKeys.resourcePrefix(type);
      String end = Store.prefixEnd(prefix);
      String from = prefix;
      while (true) {
        RangeResult page = storage.store().range(from, end, revision, PAGE);
        for (KeyValue kv : page.items()) {
          Instant at = lastActivity(Json.readFields(kv.value(), TIMESTAMPS), now);
          written.putIfAbsent(kv.key(), new Written(kv.modRevision(), at.toEpochMilli()));
        }
        if (!page.more() || page.items().isEmpty()) {
          break;
        }
        from = page.items().get(page.items().size() - 1).key() + "\0";
      }
    }
  }

  private static Instant lastActivity(JsonNode event, Instant now) {
    Instant latest = Instant.EPOCH;
    for (JsonNode t :
        List.of(
            event.path("metadata").path("creationTimestamp"),
            event.path("lastTimestamp"),
            event.path("eventTime"),
            event.path("deprecatedLastTimestamp"),
            event.path("series").path("lastObservedTime"))) {
      try {
        Instant at = Instant.parse(t.asText(""));
        latest = at.isAfter(latest) ? at : latest;
      } catch (RuntimeException e) {
        // absent or not a timestamp: the others decide
      }
    }
    return latest.isAfter(now) || latest.equals(Instant.EPOCH) ? now : latest;
  }

  /** Deletes every Event whose TTL has passed, unless it was written again meanwhile. */
  void sweep() {
    long cutoff = System.currentTimeMillis() - ttl.toMillis();
    for (Map.Entry<String, Written> e : List.copyOf(written.entrySet())) {
      String key = e.getKey();
      Written w = e.getValue();
      ResourceType type = typeOf(key);
      if (w.atMillis() > cutoff || type == null) {
        continue;
      }
      StorageKeys.ObjectName named = StorageKeys.name(type, key);
      try {
        storage
            .delete(
                type,
                named.namespace(),
                named.name(),
                new DeleteOptions(null, null, Long.toString(w.revision()), false))
            .join();
        written.remove(key, w);
      } catch (RuntimeException ex) {
        RuntimeException cause = ResourceStorage.unwrap(ex);
        if (cause instanceof ApiException api && api.code() == 404) {
          written.remove(key, w);
        } else if (!(cause instanceof ApiException api && api.code() == 409)) {
          // 409: written again since, the watch has its new time. Anything else: next sweep.
          LOG.debug("could not expire " + key, cause);
        }
      }
    }
  }

  private ResourceType typeOf(String key) {
    for (ResourceType type : types) {
      if (key.startsWith(StorageKeys.resourcePrefix(type))) {
        return type;
      }
    }
    return null;
  }

  @Override
  public void close() {
    watches.forEach(Store.Watch::close);
    timer.shutdownNow();
  }
}
