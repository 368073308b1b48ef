package dev.flotilla.controller.binding;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Works this controller created that its informer has not shown yet. A binding is synced again when
 * an event of one of its Works arrives; while the informer still lags behind the binding's last
 * sync, the Works created then looked missing and were created once more (a 409 and a read each: 1
 * to 43 per template in a 100-cluster first burst, bench/README.md, session 15). A sync now counts
 * them as they were created.
 *
 * <p>The informer stays the truth: a created Work is counted only until the informer holds its key
 * or has passed its revision (then a Work it does not hold was deleted meanwhile). Counting one
 * also lets a sync delete the Work of a cluster the binding left before the informer saw it.
 */
final class CreatedWorks {
  /**
   * How long a record is kept at most: far beyond any informer lag, and a record dropped early only
   * costs the repeated create it was there to spare. Records of a binding that is never synced
   * again (deleted meanwhile) go this way.
   */
  private static final long KEPT_NANOS = TimeUnit.MINUTES.toNanos(5);

  private record Created(WorkDigest work, long at) {}

  /** By binding id ({@code label=uid}), then Work key. */
  private final Map<String, Map<String, Created>> byBinding = new ConcurrentHashMap<>();

  private final LongSupplier clock;
  private volatile long nextSweep;

  CreatedWorks(LongSupplier clock) {
    this.clock = clock;
    this.nextSweep = clock.getAsLong() + KEPT_NANOS;
  }

  CreatedWorks() {
    this(System::nanoTime);
  }

  /** Records a Work created from the hub's answer; one without a plain revision is not kept. */
  void created(WorkDigest work) {
    if (work.revisionText() != null || work.revision() <= 0) {
      return;
    }
    long now = clock.getAsLong();
    for (String id : work.bindingIds()) {
      byBinding
          .computeIfAbsent(id, k -> new ConcurrentHashMap<>())
          .put(work.key(), new Created(work, now));
    }
    if (now - nextSweep >= 0) {
      nextSweep = now + KEPT_NANOS;
      byBinding.values().forEach(m -> m.values().removeIf(c -> now - c.at() > KEPT_NANOS));
      byBinding.values().removeIf(Map::isEmpty);
    }
  }

  /**
   * {@code seen} (the informer's Works of binding {@code id}) plus the Works created for it that
   * the informer has neither shown nor passed. {@code passed}, the informer's revision, is read
   * before {@code seen} and {@code held}: an informer at or past a Work's revision has already
   * applied that Work's event.
   */
  List<WorkDigest> with(String id, List<WorkDigest> seen, long passed, Predicate<String> held) {
    Map<String, Created> created = byBinding.get(id);
    if (created == null) {
      return seen;
    }
    long now = clock.getAsLong();
    Set<String> keys = new HashSet<>();
    seen.forEach(w -> keys.add(w.key()));
    List<WorkDigest> out = new ArrayList<>(seen);
    for (Created c : created.values()) {
      WorkDigest w = c.work();
      if (w.revision() <= passed || keys.contains(w.key()) || now - c.at() > KEPT_NANOS) {
        created.remove(w.key(), c);
      } else if (held.test(w.key())) {
        // Shown between the read of seen and now: the informer has it from here on.
        created.remove(w.key(), c);
        out.add(w);
      } else {
        out.add(w);
      }
    }
    if (created.isEmpty()) {
      byBinding.remove(id, created);
    }
    return out;
  }

  /** Forgets a Work deleted (or found gone): a sync must not count it as there. */
  void deleted(WorkDigest work) {
    for (String id : work.bindingIds()) {
      Map<String, Created> created = byBinding.get(id);
      if (created != null) {
        created.remove(work.key());
      }
    }
  }

  int size() {
    return byBinding.values().stream().mapToInt(Map::size).sum();
  }
}
