package dev.flotilla.agent.execution;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.agent.kube.Json;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agent's memory of what it applied, so that member status events (a Deployment's replicas
 * changing) do not re-apply every manifest. A manifest is applied again when the Work changed (uid,
 * generation or annotations), when the member object is gone or no longer carries the Work's marks,
 * or when its spec was changed by someone else (generation, or resourceVersion for kinds without
 * one), as Karmada's object watcher decides. Memory starts empty, so a restarted agent applies
 * everything once.
 */
final class AppliedRecords {
  private record WorkRecord(String stamp, Map<ObjectKey, String> versions) {}

  private final Map<String, WorkRecord> byWork = new ConcurrentHashMap<>();

  /** True when {@code live} (from the member cache) is exactly what this Work last applied. */
  boolean upToDate(WorkView work, ObjectKey key, JsonNode live) {
    WorkRecord record = byWork.get(work.name());
    if (record == null || !record.stamp().equals(work.applyStamp()) || live == null) {
      return false;
    }
    String version = record.versions().get(key);
    return version != null
        && work.owns(live)
        && KarmadaMarks.MANAGED_VALUE.equals(Json.label(live, KarmadaMarks.MANAGED_LABEL))
        && version.equals(versionOf(live));
  }

  /** Remembers the object as the member returned it from the apply. */
  void record(WorkView work, ObjectKey key, JsonNode applied) {
    WorkRecord record =
        byWork.compute(
            work.name(),
            (name, old) ->
                old != null && old.stamp().equals(work.applyStamp())
                    ? old
                    : new WorkRecord(work.applyStamp(), new ConcurrentHashMap<>()));
    record.versions().put(key, versionOf(applied));
  }

  /** Forgets one object (its apply failed, or it was pruned). */
  void forget(WorkView work, ObjectKey key) {
    WorkRecord record = byWork.get(work.name());
    if (record != null) {
      record.versions().remove(key);
    }
  }

  void forget(String workName) {
    byWork.remove(workName);
  }

  /** What changes when someone else edits the object's desired state. */
  private static String versionOf(JsonNode obj) {
    long generation = obj.path("metadata").path("generation").asLong(0);
    return generation > 0
        ? "g" + generation
        : "rv" + obj.path("metadata").path("resourceVersion").asText();
  }
}
