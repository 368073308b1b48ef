package dev.flotilla.controller.runtime;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * What a controller last wrote, per key, until its informer has caught up: a reconcile that starts
 * before the watch event of its own previous write arrives works from the written copy, instead of
 * an older cached one whose write would fail with a conflict (or a create that already happened). A
 * write the cache never shows (the object was deleted meanwhile) is forgotten after a while.
 */
public final class OwnWrites {
  private static final long TRUST_NANOS = TimeUnit.SECONDS.toNanos(10);

  private record Written(GenericKubernetesResource object, long at) {}

  private final Map<String, Written> written = new ConcurrentHashMap<>();
  private volatile long lastSweep = System.nanoTime();

  /** Remembers an object as the hub returned it from a write. */
  public void wrote(String key, GenericKubernetesResource stored) {
    if (stored != null) {
      Written now = new Written(stored, System.nanoTime());
      written.merge(key, now, (old, fresh) -> newer(old.object(), fresh.object()) ? old : fresh);
      sweep(now.at());
    }
  }

  /**
   * Drops writes past trust that no reconcile came back for: without it every object a controller
   * ever wrote stays here, decoded (a copy of every binding on a large hub).
   */
  private void sweep(long now) {
    if (now - lastSweep > TRUST_NANOS) {
      lastSweep = now;
      written.values().removeIf(w -> now - w.at() > TRUST_NANOS);
    }
  }

  /** The newer of the cached copy and the last write; forgets the write once the cache has it. */
  public GenericKubernetesResource newest(String key, GenericKubernetesResource cached) {
    Written mine = written.get(key);
    if (mine == null) {
      return cached;
    }
    boolean stale = System.nanoTime() - mine.at() > TRUST_NANOS;
    if (stale || (cached != null && !newer(mine.object(), cached))) {
      written.remove(key, mine);
      return cached;
    }
    return mine.object();
  }

  public void forget(String key) {
    written.remove(key);
  }

  /** Resource versions of this hub are store revisions: numbers that only grow. */
  private static boolean newer(GenericKubernetesResource a, GenericKubernetesResource b) {
    try {
      return Long.parseLong(a.getMetadata().getResourceVersion())
          > Long.parseLong(b.getMetadata().getResourceVersion());
    } catch (NumberFormatException | NullPointerException e) {
      return false;
    }
  }
}
