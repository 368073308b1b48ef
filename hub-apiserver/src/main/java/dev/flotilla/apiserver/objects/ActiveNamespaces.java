package dev.flotilla.apiserver.objects;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The namespaces this hub has seen Active, so that a create in one needs no store read (on etcd a
 * linearizable read, a round trip that waits for every write before it), as kube-apiserver's
 * NamespaceLifecycle admission answers from its informer. Anything not known Active here (not seen
 * yet, Terminating, or deleted through this hub in the last 30 s) is looked up in the store, as
 * upstream's live lookup; a namespace deleted through another replica may take that replica's watch
 * delay to be seen, as upstream, and the namespace controller deletes what was created meanwhile.
 */
public final class ActiveNamespaces {
  /** Upstream's forceLiveLookupTTL. */
  private static final long LIVE_LOOKUP_NANOS = TimeUnit.SECONDS.toNanos(30);

  private final Map<String, Boolean> active = new ConcurrentHashMap<>();
  private final Map<String, Long> liveLookupUntil = new ConcurrentHashMap<>();

  /** True only when the namespace was last seen Active and no delete of it went through here. */
  public boolean knownActive(String namespace) {
    if (!active.containsKey(namespace)) {
      return false;
    }
    Long until = liveLookupUntil.get(namespace);
    if (until == null) {
      return true;
    }
    if (System.nanoTime() - until < 0) {
      return false;
    }
    liveLookupUntil.remove(namespace, until);
    return true;
  }

  /** Records a stored namespace as the store's watch delivered it. */
  public void observed(String namespace, boolean deleting) {
    if (deleting) {
      active.remove(namespace);
    } else {
      active.put(namespace, Boolean.TRUE);
    }
  }

  /** Records that a namespace is gone from the store. */
  public void forget(String namespace) {
    active.remove(namespace);
  }

  /**
   * Called when this hub admits a delete of the namespace: until the watch shows it Terminating,
   * creates in it read the store, so this hub's own clients never see a create succeed after the
   * delete they were answered.
   */
  public void deleteRequested(String namespace) {
    liveLookupUntil.put(namespace, System.nanoTime() + LIVE_LOOKUP_NANOS);
  }
}
