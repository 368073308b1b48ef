package dev.flotilla.apiserver.apply;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps at most ten Update entries, as upstream does: the oldest are folded, per apiVersion, into
 * one "ancient-changes" entry so managedFields cannot grow without bound.
 */
final class UpdateManagerCap {
  static final int MAX_UPDATE_MANAGERS = 10;
  static final String ANCIENT = "ancient-changes";

  private UpdateManagerCap() {}

  static void apply(ManagedFields managed) {
    List<ManagedFields.Entry> updaters = new ArrayList<>();
    for (ManagedFields.Entry e : managed.entries()) {
      if (ManagedFields.UPDATE.equals(e.operation())) {
        updaters.add(e);
      }
    }
    int count = updaters.size();
    if (count <= MAX_UPDATE_MANAGERS) {
      return;
    }
    updaters.sort(
        Comparator.comparing((ManagedFields.Entry e) -> e.time() == null ? "" : e.time())
            .thenComparing(ManagedFields.Entry::id));
    Map<String, ManagedFields.Entry> firstPerVersion = new HashMap<>();
    for (int i = 0; i < updaters.size() && count > MAX_UPDATE_MANAGERS; i++) {
      ManagedFields.Entry e = updaters.get(i);
      String bucketId = ManagedFields.id(ANCIENT, ManagedFields.UPDATE, e.apiVersion(), null);
      ManagedFields.Entry first = firstPerVersion.get(e.apiVersion());
      if (first == null) {
        firstPerVersion.put(e.apiVersion(), e);
        continue;
      }
      ManagedFields.Entry bucket = managed.get(bucketId);
      if (bucket == null) {
        managed.remove(first.id());
        bucket =
            new ManagedFields.Entry(
                ANCIENT, ManagedFields.UPDATE, e.apiVersion(), first.time(), null, first.fields());
      }
      managed.remove(e.id());
      managed.put(
          new ManagedFields.Entry(
              ANCIENT,
              ManagedFields.UPDATE,
              e.apiVersion(),
              e.time(),
              null,
              bucket.fields().union(e.fields())));
      count--;
    }
  }
}
