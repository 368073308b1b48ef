package dev.flotilla.controller.runtime;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
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

  /** Plain decoding: what is kept here was written by the hub and decoded once, cleanly. */
  private static final KubernetesSerialization JSON = new JsonFirstSerialization();

  /**
   * The written object as packed JSON without managedFields, and its resourceVersion: a burst of
   * writes keeps thousands of objects here for the trust period, and decoded (managedFields and
   * all) each took ~10 KiB of heap, several times its packed JSON.
   */
  private record Written(byte[] packed, long revision, long at) {}

  private final Map<String, Written> written = new ConcurrentHashMap<>();
  private final Packer packer = new Packer();
  private volatile long lastSweep = System.nanoTime();

  /** Remembers an object as the hub returned it from a write; the object is left as it is. */
  public void wrote(String key, GenericKubernetesResource stored) {
    if (stored != null) {
      Written now = new Written(pack(stored), revision(stored), System.nanoTime());
      written.merge(
          key, now, (old, fresh) -> newer(old.revision(), fresh.revision()) ? old : fresh);
      sweep(now.at());
    }
  }

  /**
   * Drops writes past trust that no reconcile came back for: without it every object a controller
   * ever wrote stays here (a copy of every binding on a large hub).
   */
  private void sweep(long now) {
    if (now - lastSweep > TRUST_NANOS) {
      lastSweep = now;
      written.values().removeIf(w -> now - w.at() > TRUST_NANOS);
    }
  }

  /**
   * The newer of the cached copy and the last write (a fresh copy, without managedFields); forgets
   * the write once the cache has it.
   */
  public GenericKubernetesResource newest(String key, GenericKubernetesResource cached) {
    Written mine = written.get(key);
    if (mine == null) {
      return cached;
    }
    boolean stale = System.nanoTime() - mine.at() > TRUST_NANOS;
    if (stale || (cached != null && !newer(mine.revision(), revision(cached)))) {
      written.remove(key, mine);
      return cached;
    }
    return JSON.unmarshal(
        new java.io.ByteArrayInputStream(packer.unpack(mine.packed())),
        GenericKubernetesResource.class);
  }

  public void forget(String key) {
    written.remove(key);
  }

  /** How many writes are remembered (for tests). */
  int size() {
    return written.size();
  }

  private byte[] pack(GenericKubernetesResource stored) {
    com.fasterxml.jackson.databind.node.ObjectNode tree = Trees.tree(stored);
    if (tree.path("metadata") instanceof com.fasterxml.jackson.databind.node.ObjectNode meta) {
      meta.remove("managedFields"); // no reader of a written copy looks at them
    }
    try {
      return packer.pack(Trees.MAPPER.writeValueAsBytes(tree));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e); // a tree made from a decoded object always writes
    }
  }

  /** Resource versions of this hub are store revisions: numbers that only grow; -1 if not one. */
  private static long revision(GenericKubernetesResource o) {
    try {
      return Long.parseLong(o.getMetadata().getResourceVersion());
    } catch (NumberFormatException | NullPointerException e) {
      return -1;
    }
  }

  private static boolean newer(long a, long b) {
    return a >= 0 && b >= 0 && a > b;
  }
}
