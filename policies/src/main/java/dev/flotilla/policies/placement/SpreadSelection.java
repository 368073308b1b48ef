package dev.flotilla.policies.placement;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.policies.matching.Nodes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Chooses clusters among the feasible ones by {@code spreadConstraints}, after Karmada's
 * spreadconstraint package: a region constraint picks regions first, otherwise a cluster constraint
 * picks between minGroups and maxGroups clusters by score while making sure their capacity covers
 * the replicas. Provider, zone and label constraints only filter (clusters must have the property);
 * like Karmada, they cannot drive selection on their own.
 */
final class SpreadSelection {

  private static final int ANY_REPLICAS = -1;
  private static final long WEIGHT_UNIT = 1000;

  private SpreadSelection() {}

  /** {@code candidates} must be in {@link Candidate#ORDER}. */
  static List<Candidate> select(JsonNode placement, List<Candidate> candidates, int replicas)
      throws SchedulingException {
    List<JsonNode> constraints = Nodes.list(placement, "spreadConstraints");
    if (constraints.isEmpty() || ignoresSpread(placement)) {
      return candidates;
    }
    int needReplicas = Placements.duplicated(placement) ? ANY_REPLICAS : replicas;
    Map<String, JsonNode> byField = new LinkedHashMap<>();
    constraints.forEach(c -> byField.put(Nodes.text(c, "spreadByField"), c));
    if (byField.containsKey("region")) {
      return byRegion(placement, byField, candidates, replicas);
    }
    if (byField.containsKey("cluster")) {
      return byCluster(byField.get("cluster"), candidates, needReplicas);
    }
    throw new SchedulingException("just support cluster and region spread constraint", false);
  }

  /**
   * Static weights decide the clusters themselves, so Karmada ignores spread constraints for them.
   */
  static boolean ignoresSpread(JsonNode placement) {
    JsonNode scheduling = Nodes.at(placement, "replicaScheduling");
    if (!"Divided".equals(Nodes.text(scheduling, "replicaSchedulingType"))
        || !"Weighted".equals(Nodes.text(scheduling, "replicaDivisionPreference"))) {
      return false;
    }
    JsonNode preference = Nodes.at(scheduling, "weightPreference");
    return !Nodes.present(preference)
        || (!Nodes.list(preference, "staticWeightList").isEmpty()
            && Nodes.text(preference, "dynamicWeight").isEmpty());
  }

  private static List<Candidate> byCluster(
      JsonNode constraint, List<Candidate> candidates, int needReplicas)
      throws SchedulingException {
    int min = minGroups(constraint);
    if (candidates.size() < min) {
      throw new SchedulingException(
          "the number of feasible clusters is less than spreadConstraint.MinGroups", false);
    }
    int needCount = Math.min(candidates.size(), maxGroups(constraint));
    if (needReplicas == ANY_REPLICAS) {
      return List.copyOf(candidates.subList(0, needCount));
    }
    List<Candidate> chosen = byCapacity(candidates, needCount, needReplicas);
    if (chosen.isEmpty()) {
      throw new SchedulingException(
          "no enough resource when selecting " + needCount + " clusters", false);
    }
    return chosen;
  }

  /**
   * Takes the best-scored {@code count} clusters and, while their capacity falls short, swaps the
   * lowest-scored picks for the roomiest remaining clusters.
   */
  private static List<Candidate> byCapacity(
      List<Candidate> candidates, int count, int needReplicas) {
    List<Candidate> chosen = new ArrayList<>(candidates.subList(0, count));
    List<Candidate> rest = new ArrayList<>(candidates.subList(count, candidates.size()));
    for (int slot = chosen.size() - 1; !covers(chosen, needReplicas) && slot >= 0; slot--) {
      int roomiest = -1;
      long most = chosen.get(slot).available();
      for (int i = 0; i < rest.size(); i++) {
        if (rest.get(i).available() > most) {
          roomiest = i;
          most = rest.get(i).available();
        }
      }
      if (roomiest >= 0) {
        Candidate swapped = chosen.get(slot);
        chosen.set(slot, rest.get(roomiest));
        rest.set(roomiest, swapped);
      }
    }
    return covers(chosen, needReplicas) ? chosen : List.of();
  }

  private static boolean covers(List<Candidate> clusters, int needReplicas) {
    return clusters.stream().mapToLong(Candidate::available).sum() >= needReplicas;
  }

  private static List<Candidate> byRegion(
      JsonNode placement, Map<String, JsonNode> byField, List<Candidate> candidates, int replicas)
      throws SchedulingException {
    JsonNode regionConstraint = byField.get("region");
    JsonNode clusterConstraint = byField.get("cluster");
    Map<String, List<Candidate>> regions = new LinkedHashMap<>();
    for (Candidate c : candidates) {
      String region = Nodes.text(c.cluster(), "spec", "region");
      if (!region.isEmpty()) {
        regions.computeIfAbsent(region, r -> new ArrayList<>()).add(c);
      }
    }
    if (regions.size() < minGroups(regionConstraint)) {
      throw new SchedulingException(
          "the number of feasible region is less than spreadConstraint.MinGroups", false);
    }
    int clusterMin = clusterConstraint == null ? 0 : minGroups(clusterConstraint);
    List<GroupSelection.Group> groups = new ArrayList<>();
    regions.forEach(
        (region, members) ->
            groups.add(
                new GroupSelection.Group(
                    region,
                    members.size(),
                    groupScore(
                        placement, members, replicas, minGroups(regionConstraint), clusterMin))));
    List<GroupSelection.Group> chosen =
        GroupSelection.select(
            groups, minGroups(regionConstraint), maxGroups(regionConstraint), clusterMin);
    if (chosen.isEmpty()) {
      throw new SchedulingException(
          "the number of clusters is less than the cluster spreadConstraint.MinGroups", false);
    }
    // The best cluster of every chosen region first, then the best of the rest up to the cluster
    // maximum.
    List<Candidate> selected = new ArrayList<>();
    List<Candidate> rest = new ArrayList<>();
    for (GroupSelection.Group group : chosen) {
      List<Candidate> members = regions.get(group.name());
      selected.add(members.get(0));
      rest.addAll(members.subList(1, members.size()));
    }
    int clusterMax = clusterConstraint == null ? selected.size() : maxGroups(clusterConstraint);
    int needCount = Math.min(rest.size() + selected.size(), clusterMax);
    rest.sort(Candidate.ORDER);
    for (int i = 0; i < needCount - selected.size() && i < rest.size(); i++) {
      selected.add(rest.get(i));
    }
    return selected;
  }

  /**
   * Karmada's group score: for duplicated replicas, how many clusters can each hold them all; for
   * divided ones, how much of the group's share ({@code replicas / minGroups}) its best clusters
   * can hold; in thousands, with the average cluster score breaking ties.
   */
  static long groupScore(
      JsonNode placement, List<Candidate> members, int replicas, int groupMin, int clusterMin) {
    if (Placements.duplicated(placement)) {
      long valid = 0;
      long scoreSum = 0;
      for (Candidate c : members) {
        if (c.available() >= replicas) {
          valid++;
          scoreSum += c.score();
        }
      }
      return valid == 0 ? 0 : valid * WEIGHT_UNIT + scoreSum / valid;
    }
    long target = (long) Math.ceil((double) replicas / Math.max(groupMin, 1));
    int needClusters = Math.max(clusterMin, groupMin);
    long availableSum = 0;
    long scoreSum = 0;
    long valid = 0;
    for (Candidate c : members) {
      availableSum += c.available();
      scoreSum += c.score();
      valid++;
      if (valid >= needClusters && availableSum >= target) {
        break;
      }
    }
    if (availableSum < target) {
      return availableSum * WEIGHT_UNIT + scoreSum / members.size();
    }
    return target * WEIGHT_UNIT + scoreSum / valid;
  }

  private static int minGroups(JsonNode constraint) {
    return (int) Math.max(Nodes.number(constraint, 1, "minGroups"), 0);
  }

  /** maxGroups absent or 0 means no upper bound (Karmada would select no cluster at all). */
  private static int maxGroups(JsonNode constraint) {
    long max = Nodes.number(constraint, 0, "maxGroups");
    return max <= 0 ? Integer.MAX_VALUE : (int) max;
  }
}
