package dev.flotilla.policies.placement;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.policies.matching.ClusterAffinityMatcher;
import dev.flotilla.policies.matching.Nodes;
import dev.flotilla.policies.placement.Placements.Strategy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Divides {@code spec.replicas} over the selected clusters (Karmada's pkg/scheduler/core
 * assignment): Duplicated gives every cluster all replicas; static weights divide by weight;
 * dynamic weights and Aggregated divide by available replicas, changing the previous result as
 * little as possible (scale up adds to it, scale down takes from it proportionally) unless a
 * reschedule was requested.
 */
final class ReplicaAssignment {

  private ReplicaAssignment() {}

  /**
   * @param fresh ignore the previous assignment (spec.rescheduleTriggeredAt is newer than the last
   *     schedule)
   * @param overflow the affinity term has overflowAffinities: fill tiers in order
   */
  static List<TargetCluster> assign(
      List<Candidate> selected,
      JsonNode placement,
      JsonNode bindingSpec,
      boolean fresh,
      boolean overflow)
      throws SchedulingException {
    if (selected.isEmpty()) {
      throw new SchedulingException("no clusters available to schedule", false);
    }
    int replicas = Bindings.replicas(bindingSpec);
    boolean workload = replicas > 0 || Nodes.present(Nodes.at(bindingSpec, "replicaRequirements"));
    if (!workload || Nodes.list(bindingSpec, "components").size() > 1) {
      // Non-workloads (Services, ConfigMaps...) go to every selected cluster, without replicas.
      return selected.stream().map(c -> new TargetCluster(c.name(), 0)).toList();
    }
    if (!overflow) {
      return assignTo(selected, placement, bindingSpec, replicas, fresh);
    }
    Map<Integer, List<Candidate>> tiers = new TreeMap<>();
    Map<Integer, Long> tierCapacity = new TreeMap<>();
    for (Candidate c : selected) {
      tiers.computeIfAbsent(c.overflowOrder(), k -> new ArrayList<>()).add(c);
      tierCapacity.merge(c.overflowOrder(), c.available(), Long::sum);
    }
    List<TargetCluster> result = new ArrayList<>();
    int remaining = replicas;
    for (Map.Entry<Integer, List<Candidate>> tier : tiers.entrySet()) {
      int share = (int) Math.min(remaining, tierCapacity.get(tier.getKey()));
      result.addAll(assignTo(tier.getValue(), placement, bindingSpec, share, fresh));
      remaining -= share;
      if (remaining <= 0) {
        break;
      }
    }
    if (remaining > 0) {
      throw new SchedulingException(
          "Clusters available replicas are not enough to schedule.", true);
    }
    return result;
  }

  /**
   * The overflow tier of a cluster under an affinity term: 0 primary, i+1 for overflow i, 1000
   * unmatched.
   */
  static int overflowOrder(JsonNode cluster, JsonNode term) {
    if (!Nodes.present(term) || ClusterAffinityMatcher.matches(cluster, term)) {
      return 0;
    }
    List<JsonNode> overflow = Nodes.list(term, "overflowAffinities");
    for (int i = 0; i < overflow.size(); i++) {
      if (ClusterAffinityMatcher.matches(cluster, overflow.get(i))) {
        return i + 1;
      }
    }
    return 1000;
  }

  private static List<TargetCluster> assignTo(
      List<Candidate> clusters,
      JsonNode placement,
      JsonNode bindingSpec,
      int replicas,
      boolean fresh)
      throws SchedulingException {
    String uid = Nodes.text(bindingSpec, "resource", "uid");
    List<TargetCluster> result =
        switch (Placements.strategy(placement)) {
          case DUPLICATED ->
              clusters.stream().map(c -> new TargetCluster(c.name(), replicas)).toList();
          case STATIC_WEIGHT -> byStaticWeight(clusters, placement, replicas, uid);
          case AGGREGATED, DYNAMIC_WEIGHT ->
              byAvailability(clusters, placement, bindingSpec, replicas, fresh, uid);
        };
    return result.stream().filter(t -> t.replicas() > 0).toList();
  }

  private static List<TargetCluster> byStaticWeight(
      List<Candidate> clusters, JsonNode placement, int replicas, String uid) {
    List<JsonNode> rules =
        Nodes.list(placement, "replicaScheduling", "weightPreference", "staticWeightList");
    Map<String, Long> votes = new LinkedHashMap<>();
    for (Candidate c : clusters) {
      long weight = 0;
      for (JsonNode rule : rules) {
        if (ClusterAffinityMatcher.matches(c.cluster(), Nodes.at(rule, "targetCluster"))) {
          weight = Math.max(weight, Nodes.number(rule, 0, "weight"));
        }
      }
      if (weight > 0) {
        votes.put(c.name(), weight);
      }
    }
    // No rule matched (or no weightPreference at all): every selected cluster weighs the same.
    if (votes.isEmpty()) {
      clusters.forEach(c -> votes.put(c.name(), 1L));
    }
    return Webster.allocate(replicas, votes, Map.of(), uid);
  }

  private static List<TargetCluster> byAvailability(
      List<Candidate> clusters,
      JsonNode placement,
      JsonNode bindingSpec,
      int replicas,
      boolean fresh,
      String uid)
      throws SchedulingException {
    boolean aggregated = Placements.strategy(placement) == Strategy.AGGREGATED;
    Set<String> candidateNames = new HashSet<>();
    clusters.forEach(c -> candidateNames.add(c.name()));
    // Previous targets that are still candidates; replicas on dropped clusters count as new ones to
    // place.
    List<TargetCluster> scheduled =
        Bindings.currentTargets(bindingSpec).stream()
            .filter(t -> candidateNames.contains(t.name()))
            .toList();
    int assigned = scheduled.stream().mapToInt(TargetCluster::replicas).sum();

    if (fresh) {
      Map<String, Integer> previous = new LinkedHashMap<>();
      scheduled.forEach(t -> previous.put(t.name(), t.replicas()));
      List<TargetCluster> capacity = new ArrayList<>();
      clusters.forEach(
          c ->
              capacity.add(
                  new TargetCluster(
                      c.name(),
                      saturatedAdd(c.allocatable(), previous.getOrDefault(c.name(), 0)))));
      return divide(sortByReplicasDescending(capacity), List.of(), replicas, aggregated, uid);
    }
    if (assigned > replicas) {
      // Scale down in proportion to what each cluster runs now.
      return divide(sortByReplicasDescending(scheduled), List.of(), replicas, aggregated, uid);
    }
    if (assigned < replicas) {
      List<TargetCluster> capacity = new ArrayList<>();
      clusters.forEach(c -> capacity.add(new TargetCluster(c.name(), c.allocatable())));
      return divide(
          sortByReplicasDescending(capacity), scheduled, replicas - assigned, aggregated, uid);
    }
    return scheduled;
  }

  /**
   * Spreads {@code target} replicas over {@code capacity} (weights = replicas each can take) and
   * adds the result to {@code scheduled}. Aggregated first cuts the list to the fewest clusters
   * that hold the target, preferring clusters already in use.
   */
  private static List<TargetCluster> divide(
      List<TargetCluster> capacity,
      List<TargetCluster> scheduled,
      int target,
      boolean aggregated,
      String uid)
      throws SchedulingException {
    long available = capacity.stream().mapToLong(TargetCluster::replicas).sum();
    if (available < target) {
      throw new SchedulingException(
          "Clusters available replicas "
              + Math.min(available, Integer.MAX_VALUE)
              + " are not enough to schedule.",
          true);
    }
    List<TargetCluster> weights = capacity;
    if (aggregated) {
      weights = inUseFirst(capacity, scheduled);
      long sum = 0;
      for (int i = 0; i < weights.size(); i++) {
        sum += weights.get(i).replicas();
        if (sum >= target) {
          weights = weights.subList(0, i + 1);
          break;
        }
      }
    }
    Map<String, Long> votes = new LinkedHashMap<>();
    weights.forEach(t -> votes.put(t.name(), (long) t.replicas()));
    return merge(scheduled, Webster.allocate(target, votes, Map.of(), uid));
  }

  private static List<TargetCluster> inUseFirst(
      List<TargetCluster> capacity, List<TargetCluster> scheduled) {
    Set<String> inUse = new HashSet<>();
    scheduled.stream().filter(t -> t.replicas() > 0).forEach(t -> inUse.add(t.name()));
    List<TargetCluster> ordered = new ArrayList<>();
    capacity.stream().filter(t -> inUse.contains(t.name())).forEach(ordered::add);
    capacity.stream().filter(t -> !inUse.contains(t.name())).forEach(ordered::add);
    return ordered;
  }

  private static List<TargetCluster> merge(List<TargetCluster> old, List<TargetCluster> added) {
    if (old.isEmpty()) {
      return added;
    }
    Map<String, Integer> sums = new LinkedHashMap<>();
    added.forEach(t -> sums.merge(t.name(), t.replicas(), Integer::sum));
    old.forEach(t -> sums.merge(t.name(), t.replicas(), Integer::sum));
    List<TargetCluster> out = new ArrayList<>();
    sums.forEach((name, replicas) -> out.add(new TargetCluster(name, replicas)));
    return out;
  }

  // Stable, unlike Go's sort.Sort, so equal clusters keep the candidate order.
  private static List<TargetCluster> sortByReplicasDescending(List<TargetCluster> clusters) {
    List<TargetCluster> sorted = new ArrayList<>(clusters);
    sorted.sort(Comparator.comparingInt(TargetCluster::replicas).reversed());
    return sorted;
  }

  private static int saturatedAdd(int a, int b) {
    return (int) Math.min((long) a + b, Integer.MAX_VALUE);
  }
}
