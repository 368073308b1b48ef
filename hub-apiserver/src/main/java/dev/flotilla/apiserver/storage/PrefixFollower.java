package dev.flotilla.apiserver.storage;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an in-memory cache of every key under one prefix: the stored values, then each change; and
 * when the store ends the watch because it lost changes (a compacted etcd history), lists again and
 * tells the cache which keys went away meanwhile, as an informer's relist does.
 */
public final class PrefixFollower implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PrefixFollower.class);

  /**
   * Where relists run: off the store's dispatch thread, which must not block, and one at a time (a
   * relist is rare: it follows a lost etcd history).
   */
  private static final ExecutorService RELISTS =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "store-relist");
            t.setDaemon(true);
            return t;
          });

  /** What the follower keeps current. Both run on the store's dispatch or the relist thread. */
  public interface Cache {
    void put(KeyValue kv);

    void remove(String key);
  }

  private final Store store;
  private final String prefix;
  private final Cache cache;
  private final Set<String> present = ConcurrentHashMap.newKeySet();
  private Store.Watch watch;
  private boolean closed;

  private PrefixFollower(Store store, String prefix, Cache cache) {
    this.store = store;
    this.prefix = prefix;
    this.cache = cache;
  }

  /** Loads what is stored under {@code prefix} into {@code cache}, then follows every change. */
  public static PrefixFollower start(Store store, String prefix, Cache cache) {
    PrefixFollower follower = new PrefixFollower(store, prefix, cache);
    follower.follow();
    return follower;
  }

  /**
   * A {@code gone} callback for {@link Store#watch(String, long, java.util.function.Consumer,
   * Runnable)} that runs {@code relist} (list again, then watch from the list's revision) on the
   * relist thread.
   */
  public static Runnable relistLater(String who, Runnable relist) {
    return () ->
        RELISTS.execute(
            () -> {
              LOG.warn(who + ": the store ended its watch (history lost); listing again");
              try {
                relist.run();
              } catch (RuntimeException e) {
                LOG.error(who + ": listing again failed", e);
              }
            });
  }

  private synchronized void follow() {
    if (closed) {
      return;
    }
    RangeResult existing = store.range(prefix, Store.prefixEnd(prefix), 0, 0);
    Set<String> listed = new HashSet<>();
    for (KeyValue kv : existing.items()) {
      listed.add(kv.key());
      present.add(kv.key());
      cache.put(kv);
    }
    for (String key : List.copyOf(present)) {
      if (!listed.contains(key)) {
        present.remove(key);
        cache.remove(key);
      }
    }
    watch =
        store.watch(prefix, existing.revision(), this::onEvent, relistLater(prefix, this::follow));
  }

  private void onEvent(StoreEvent e) {
    String key = e.kv().key();
    if (e.type() == StoreEvent.Type.DELETE) {
      present.remove(key);
      cache.remove(key);
    } else {
      present.add(key);
      cache.put(e.kv());
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (watch != null) {
      watch.close();
    }
  }
}
