package dev.flotilla.controller.binding;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per binding, whether its Works may differ from what it asks for. Anything that can change the
 * desired Works (the binding, overrides, a Work's spec, labels or existence) marks the binding
 * stale; a Work's status report does not. A reconcile woken only by reports (at 100 clusters, one
 * per member per change, the bulk of the binding controller's reconciles) then aggregates status
 * without rebuilding and comparing a Work per cluster.
 */
final class SyncMarks {
  private final Set<String> inSync = ConcurrentHashMap.newKeySet();

  /** Something that can change the desired Works happened: the next reconcile syncs them. */
  void stale(String key) {
    inSync.remove(key);
  }

  /**
   * Called before a reconcile reads anything: true when it must sync the Works. From then on the
   * key counts as in sync, so an event arriving during the reconcile (which marks it stale and
   * queues it again) is never lost; a reconcile that did not finish its sync calls {@link #stale}.
   */
  boolean claim(String key) {
    return inSync.add(key);
  }
}
