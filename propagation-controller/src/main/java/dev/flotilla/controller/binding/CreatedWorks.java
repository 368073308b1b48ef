package dev.flotilla.controller.binding;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Works this controller created that its informer has not shown yet. A binding is synced again when
 * an event of one of its Works arrives; while the informer still lags behind the binding's last
 * sync, the Works created then looked missing and were created once more (a 409 and a read each: 5
 * to 33 per template in a 100-cluster burst, bench/README.md, session 15). A sync now counts them
 * as they were created.
 *
 * <p>The informer stays the truth: a created Work is counted only until the informer holds its key
 * or has passed its revision (then a Work it does not hold was deleted meanwhile). Counting one
 * also lets a sync delete the Work of a cluster the binding left before the informer saw it.
 */
final class CreatedWorks {
  /** By binding id ({@code label=uid}), then Work key. */
  private final Map<String, Map<String, WorkDigest>> byBinding = new ConcurrentHashMap<>();

  /** Records a Work created from the hub's answer; one without a plain revision is not kept. */
  void created(WorkDigest work) {
    if (work.revisionText() != null || work.revision() <= 0) {
      return;
    }
    for (String id : work.bindingIds()) {
      byBinding.computeIfAbsent(id, k -> new ConcurrentHashMap<>()).put(work.key(), work);
    }
  }

  /**
   * {@code seen} (the informer's Works of binding {@code id}) plus the Works created for it that
   * the informer has neither shown nor passed. {@code informerRevision} is read before {@code
   * held}: an informer at or past a Work's revision has already applied that Work's event.
   */
  List<WorkDigest> with(
      String id, List<WorkDigest> seen, LongSupplier informerRevision, Predicate<String> held) {
    Map<String, WorkDigest> created = byBinding.get(id);
    if (created == null) {
      return seen;
    }
    long passed = informerRevision.getAsLong();
    Set<String> keys = new HashSet<>();
    seen.forEach(w -> keys.add(w.key()));
    List<WorkDigest> out = new ArrayList<>(seen);
    for (WorkDigest w : created.values()) {
      if (w.revision() <= passed || keys.contains(w.key()) || held.test(w.key())) {
        created.remove(w.key(), w);
      } else {
        out.add(w);
      }
    }
    if (created.isEmpty()) {
      byBinding.remove(id, created);
    }
    return out;
  }

  /** Forgets a Work being deleted: a sync must not count it as there. */
  void deleted(WorkDigest work) {
    for (String id : work.bindingIds()) {
      Map<String, WorkDigest> created = byBinding.get(id);
      if (created != null) {
        created.remove(work.key());
      }
    }
  }

  int size() {
    return byBinding.values().stream().mapToInt(Map::size).sum();
  }
}
