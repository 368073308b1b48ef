package dev.flotilla.policies.placement;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Comparator;

/**
 * A feasible cluster with what selection and assignment need to know about it.
 *
 * @param overflowOrder 0 if the primary affinity term selects the cluster, i+1 for the i-th
 *     overflow affinity
 * @param available replicas the cluster could run: its free capacity plus what it already runs for
 *     the binding
 * @param allocatable its free capacity alone
 */
public record Candidate(
    String name, JsonNode cluster, long score, int overflowOrder, long available, int allocatable) {

  /**
   * Karmada's cluster order: overflow tier, then score, then capacity (both descending), then name.
   */
  public static final Comparator<Candidate> ORDER =
      Comparator.comparingInt(Candidate::overflowOrder)
          .thenComparing(Comparator.comparingLong(Candidate::score).reversed())
          .thenComparing(Comparator.comparingLong(Candidate::available).reversed())
          .thenComparing(Candidate::name);
}
