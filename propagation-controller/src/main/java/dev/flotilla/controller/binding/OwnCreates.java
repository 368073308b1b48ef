package dev.flotilla.controller.binding;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Works this controller created whose ADDED event has not come back yet: the echo of its own
 * create is no news. Marked stale on it, a binding was synced again while the informer held only
 * part of the hundred Works just written, and every Work not yet seen was created again: a 409 and
 * a GET each, 59 of 100 per template in a 100-cluster burst with 64 writers. An ADDED event is an
 * echo only at the resourceVersion the create answered; any other (a Work made by someone else, or
 * changed before the informer saw it) still marks the binding stale.
 */
final class OwnCreates {
  /** Past this many echoes outstanding (a stalled informer), the oldest are forgotten. */
  private static final int MAX = 200_000;

  /** The version of a create not answered yet. */
  private static final String PENDING = "";

  private final Map<String, String> versionByKey = new ConcurrentHashMap<>();

  /**
   * The Work {@code namespace/name} is about to be created. An ADDED event before the answer is
   * taken for the echo: were it another's create, this one fails with a 409 and the writer compares
   * and corrects the Work itself.
   */
  void creating(String key) {
    if (versionByKey.size() >= MAX) {
      versionByKey.clear(); // every ADDED event is news again: correct, only slower
    }
    versionByKey.put(key, PENDING);
  }

  /** The create of {@code key} was answered at {@code resourceVersion}. */
  void created(String key, String resourceVersion) {
    if (resourceVersion == null) {
      versionByKey.remove(key, PENDING);
    } else {
      versionByKey.replace(key, PENDING, resourceVersion); // unless its echo came first
    }
  }

  /** True, once, for the ADDED event of a Work created here. */
  boolean isEcho(String key, String resourceVersion) {
    String v = versionByKey.get(key);
    return v != null
        && (v.equals(PENDING) || v.equals(resourceVersion))
        && versionByKey.remove(key, v);
  }

  /** The create failed, or the Work is gone: no echo is awaited. */
  void forget(String key) {
    versionByKey.remove(key);
  }
}
