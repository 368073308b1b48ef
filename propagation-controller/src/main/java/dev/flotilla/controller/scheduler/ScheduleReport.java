package dev.flotilla.controller.scheduler;

import dev.flotilla.policies.placement.ClusterVerdict;
import dev.flotilla.policies.placement.ScheduleResult;
import dev.flotilla.policies.placement.TargetCluster;
import dev.flotilla.policies.placement.plugins.ClusterAffinity;
import java.util.ArrayList;
import java.util.List;

/**
 * A schedule in words, for the binding's Scheduled condition and the scheduler's events: Karmada's
 * messages, plus which clusters a filter plugin dropped although the placement's affinity admitted
 * them (a policy naming member3 while member3 lacks the API), which Karmada leaves unsaid.
 */
final class ScheduleReport {
  /** Reason of the Warning event naming the clusters a filter dropped. */
  static final String FILTERED_REASON = "ScheduleBindingFilteredClusters";

  /** How many clusters a message names before it says "and N more". */
  private static final int NAMED = 10;

  private ScheduleReport() {}

  /**
   * The clusters dropped by a filter other than the affinity, e.g. {@code member3 (APIEnablement:
   * cluster(s) did not have the API resource)}; "" when none was.
   */
  static String filtered(ScheduleResult result) {
    List<String> parts = new ArrayList<>();
    int count = 0;
    for (ClusterVerdict v : result.verdicts()) {
      if (v.chosen() || v.plugin().isEmpty() || v.plugin().equals(ClusterAffinity.NAME)) {
        continue;
      }
      if (count++ < NAMED) {
        parts.add(v.cluster() + " (" + v.plugin() + ": " + v.reason() + ")");
      }
    }
    if (count > NAMED) {
      parts.add("and " + (count - NAMED) + " more");
    }
    return count == 0
        ? ""
        : count
            + "/"
            + result.verdicts().size()
            + " cluster(s) filtered out: "
            + String.join(", ", parts);
  }

  /** The Scheduled condition's message. */
  static String conditionMessage(ScheduleResult result) {
    String base = result.scheduled() ? ScheduleResult.SUCCESS_MESSAGE : result.message();
    String filtered = filtered(result);
    return filtered.isEmpty() ? base : base + " " + filtered + ".";
  }

  /** Karmada's ScheduleBindingSucceed message: {@code ... Result: {member1:2, member2:1}}. */
  static String successMessage(ScheduleResult result) {
    List<String> targets = new ArrayList<>();
    for (TargetCluster t : result.clusters()) {
      targets.add(t.name() + ":" + t.replicas());
    }
    return ScheduleResult.SUCCESS_MESSAGE + " Result: {" + String.join(", ", targets) + "}";
  }
}
