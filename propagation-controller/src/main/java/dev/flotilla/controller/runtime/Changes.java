package dev.flotilla.controller.runtime;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.Objects;

/** Event predicates: which updates a controller needs to look at (controller-runtime's). */
public final class Changes {
  private Changes() {}

  /**
   * True unless only the status changed: spec (generation), deletion, labels, annotations,
   * finalizers or owners. A resync (same resourceVersion) counts as a change.
   */
  public static boolean beyondStatus(GenericKubernetesResource old, GenericKubernetesResource now) {
    ObjectMeta a = old.getMetadata();
    ObjectMeta b = now.getMetadata();
    return Objects.equals(a.getResourceVersion(), b.getResourceVersion())
        || !Objects.equals(a.getGeneration(), b.getGeneration())
        || !Objects.equals(a.getDeletionTimestamp(), b.getDeletionTimestamp())
        || !Objects.equals(a.getLabels(), b.getLabels())
        || !Objects.equals(a.getAnnotations(), b.getAnnotations())
        || !Objects.equals(a.getFinalizers(), b.getFinalizers())
        || !Objects.equals(a.getOwnerReferences(), b.getOwnerReferences());
  }

  /** True when the status differs (or anything {@link #beyondStatus} looks at). */
  public static boolean statusOrBeyond(
      GenericKubernetesResource old, GenericKubernetesResource now) {
    return beyondStatus(old, now)
        || !Objects.equals(
            old.getAdditionalProperties().get("status"),
            now.getAdditionalProperties().get("status"));
  }

  /**
   * For Clusters as the scheduler sees them: anything beyond status, or a change of the status
   * fields placement reads (API enablements, condition statuses). Agents rewrite resource and node
   * summaries every few seconds; rescheduling every binding on each of those, as Karmada also
   * avoids, costs bindings x clusters reconciles per heartbeat round.
   */
  public static boolean placementRelevant(
      GenericKubernetesResource old, GenericKubernetesResource now) {
    return beyondStatus(old, now)
        || !Objects.equals(statusField(old, "apiEnablements"), statusField(now, "apiEnablements"))
        || !Objects.equals(conditionStatuses(old), conditionStatuses(now));
  }

  private static Object statusField(GenericKubernetesResource r, String field) {
    return r.getAdditionalProperties().get("status") instanceof java.util.Map<?, ?> status
        ? status.get(field)
        : null;
  }

  /**
   * The status of the object's condition of {@code type}, or "Unknown" when it has none; read from
   * the raw status map without converting the whole object.
   */
  public static String conditionStatus(GenericKubernetesResource r, String type) {
    java.util.Map<Object, Object> statuses = conditionStatuses(r);
    return statuses.containsKey(type) ? String.valueOf(statuses.get(type)) : "Unknown";
  }

  /** Condition type to status, from the raw status map. */
  private static java.util.Map<Object, Object> conditionStatuses(GenericKubernetesResource r) {
    java.util.Map<Object, Object> out = new java.util.TreeMap<>();
    if (statusField(r, "conditions") instanceof java.util.List<?> conditions) {
      for (Object c : conditions) {
        if (c instanceof java.util.Map<?, ?> m) {
          out.put(String.valueOf(m.get("type")), m.get("status"));
        }
      }
    }
    return out;
  }
}
