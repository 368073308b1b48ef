package dev.flotilla.policies.placement;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.flotilla.policies.matching.Nodes;
import java.util.List;

/**
 * The outcome of scheduling one binding.
 *
 * @param clusters the new {@code spec.clusters} (empty unless scheduled)
 * @param affinityName the {@code clusterAffinities} term used, for {@code
 *     status.schedulerObservingAffinityName}; on failure the previously observed name, "" when the
 *     placement has no terms
 * @param message Karmada's wording, e.g. "0/3 clusters are available: 3 cluster(s) did not have the
 *     API resource."
 * @param verdicts one entry per input cluster, for explaining the placement
 */
public record ScheduleResult(
    Outcome outcome,
    List<TargetCluster> clusters,
    String affinityName,
    String message,
    List<ClusterVerdict> verdicts) {

  /** Success message of Karmada's Scheduled condition. */
  public static final String SUCCESS_MESSAGE = "Binding has been scheduled successfully.";

  /** Outcomes with the reason Karmada writes into the binding's Scheduled condition. */
  public enum Outcome {
    SCHEDULED("Success"),
    /** No cluster passed the filters; Karmada clears spec.clusters in this case. */
    NO_CLUSTER_FIT("NoClusterFit"),
    /** Clusters passed but lack capacity; spec.clusters is left as it was. */
    UNSCHEDULABLE("Unschedulable"),
    /** Spread constraints could not be met; spec.clusters is left as it was. */
    SCHEDULER_ERROR("SchedulerError");

    private final String reason;

    Outcome(String reason) {
      this.reason = reason;
    }

    public String reason() {
      return reason;
    }
  }

  public ScheduleResult {
    clusters = List.copyOf(clusters);
    verdicts = List.copyOf(verdicts);
  }

  public boolean scheduled() {
    return outcome == Outcome.SCHEDULED;
  }

  /**
   * Whether spec.clusters should be replaced by {@link #clusters()} (on success, and emptied on no
   * fit).
   */
  public boolean updatesTargets() {
    return outcome == Outcome.SCHEDULED || outcome == Outcome.NO_CLUSTER_FIT;
  }

  /** {@code reason} of the Scheduled condition. */
  public String reason() {
    return outcome.reason();
  }

  /** {@link #clusters()} as the JSON array for {@code spec.clusters}. */
  public ArrayNode clustersJson() {
    ArrayNode array = Nodes.MAPPER.createArrayNode();
    clusters.forEach(c -> array.add(c.toJson()));
    return array;
  }
}
