package dev.flotilla.policies.placement;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.policies.matching.Nodes;
import dev.flotilla.policies.placement.ScheduleResult.Outcome;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Karmada's scheduling algorithm over plain objects: filter, score, select by spread constraints,
 * assign replicas; with {@code clusterAffinities} each term is tried in order (starting from the
 * one the binding last used) and the first that schedules wins.
 */
public final class Scheduler {

  private final Registry registry;
  private final boolean emptyWorkloadPropagation;

  /**
   * A scheduler with the given plugins; workloads scaled to 0 get no clusters, as Karmada's
   * default.
   */
  public Scheduler(Registry registry) {
    this(registry, false);
  }

  /**
   * @param emptyWorkloadPropagation Karmada's {@code --enable-empty-workload-propagation}: keep
   *     selected clusters with 0 replicas in the result so a workload scaled to 0 stays in the
   *     members
   */
  public Scheduler(Registry registry, boolean emptyWorkloadPropagation) {
    this.registry = registry;
    this.emptyWorkloadPropagation = emptyWorkloadPropagation;
  }

  /** A scheduler with the in-tree plugins. */
  public static Scheduler withDefaultPlugins() {
    return new Scheduler(Registry.inTree());
  }

  /** Schedules a binding seen for the first time (no status yet). */
  public ScheduleResult schedule(
      JsonNode placement, JsonNode bindingSpec, List<JsonNode> clusters) {
    return schedule(placement, bindingSpec, null, clusters);
  }

  /**
   * Schedules a binding.
   *
   * @param placement the policy's placement; null to use {@code bindingSpec.placement}
   * @param bindingSpec the ResourceBinding spec (resource, replicas, replicaRequirements, current
   *     clusters)
   * @param bindingStatus the ResourceBinding status (schedulerObservingAffinityName,
   *     lastScheduledTime), or null
   * @param clusters every Cluster object
   */
  public ScheduleResult schedule(
      JsonNode placement, JsonNode bindingSpec, JsonNode bindingStatus, List<JsonNode> clusters) {
    return Bindings.withTargetsIndexed(
        bindingSpec, () -> scheduleIndexed(placement, bindingSpec, bindingStatus, clusters));
  }

  private ScheduleResult scheduleIndexed(
      JsonNode placement, JsonNode bindingSpec, JsonNode bindingStatus, List<JsonNode> clusters) {
    ObjectNode effective =
        Placements.withDefaults(placement != null ? placement : Nodes.at(bindingSpec, "placement"));
    boolean fresh = rescheduleRequested(bindingSpec, bindingStatus);
    List<JsonNode> terms = Nodes.list(effective, "clusterAffinities");
    if (Nodes.present(effective.path("clusterAffinity")) || terms.isEmpty()) {
      return attempt(effective, null, "", bindingSpec, clusters, fresh);
    }
    String observed = Nodes.text(bindingStatus, "schedulerObservingAffinityName");
    int start = 0;
    for (int i = 0; i < terms.size() && !fresh; i++) {
      if (!observed.isEmpty() && observed.equals(Nodes.text(terms.get(i), "affinityName"))) {
        start = i;
      }
    }
    ScheduleResult first = null;
    for (int i = start; i < terms.size(); i++) {
      JsonNode term = terms.get(i);
      ObjectNode narrowed = effective.deepCopy();
      narrowed.putArray("clusterAffinities").add(term);
      ScheduleResult result =
          attempt(narrowed, term, Nodes.text(term, "affinityName"), bindingSpec, clusters, fresh);
      if (result.scheduled()) {
        return result;
      }
      if (first == null) {
        first = result;
      }
    }
    return new ScheduleResult(
        first.outcome(), List.of(), observed, first.message(), first.verdicts());
  }

  /** The placement preview: the verdict on every cluster, as {@link #schedule} would decide. */
  public List<ClusterVerdict> explain(
      JsonNode placement, JsonNode bindingSpec, JsonNode bindingStatus, List<JsonNode> clusters) {
    return schedule(placement, bindingSpec, bindingStatus, clusters).verdicts();
  }

  private ScheduleResult attempt(
      ObjectNode placement,
      JsonNode term,
      String affinityName,
      JsonNode bindingSpec,
      List<JsonNode> clusters,
      boolean fresh) {
    Map<String, ClusterVerdict> verdicts = new LinkedHashMap<>();
    Map<String, Integer> histogram = new TreeMap<>();
    List<JsonNode> feasible = new ArrayList<>();
    List<FilterPlugin> filters = registry.filters(); // once, not once per cluster
    for (JsonNode cluster : clusters) {
      String name = Nodes.name(cluster);
      if (Nodes.deleting(cluster)) {
        // Work on a deleting cluster is being cleaned up; never add more.
        verdicts.put(name, ClusterVerdict.rejected(name, "", "cluster is being deleted"));
        continue;
      }
      ClusterVerdict rejected = runFilters(filters, placement, bindingSpec, cluster);
      if (rejected == null) {
        feasible.add(cluster);
      } else {
        verdicts.put(name, rejected);
        histogram.merge(rejected.reason(), 1, Integer::sum);
      }
    }
    if (feasible.isEmpty()) {
      return failure(
          Outcome.NO_CLUSTER_FIT,
          fitError(clusters.size(), histogram),
          affinityName,
          verdicts,
          clusters);
    }
    List<Candidate> candidates = candidates(placement, term, bindingSpec, feasible);
    try {
      List<Candidate> selected =
          SpreadSelection.select(placement, candidates, Bindings.replicas(bindingSpec));
      boolean overflow = term != null && Nodes.present(term.path("overflowAffinities"));
      List<TargetCluster> targets =
          new ArrayList<>(
              ReplicaAssignment.assign(selected, placement, bindingSpec, fresh, overflow));
      Set<String> chosen = new HashSet<>();
      targets.forEach(t -> chosen.add(t.name()));
      if (emptyWorkloadPropagation) {
        selected.stream()
            .filter(c -> !chosen.contains(c.name()))
            .forEach(c -> targets.add(new TargetCluster(c.name(), 0)));
        targets.forEach(t -> chosen.add(t.name()));
      }
      Set<String> selectedNames = new HashSet<>();
      selected.forEach(c -> selectedNames.add(c.name()));
      targets.forEach(t -> verdicts.put(t.name(), ClusterVerdict.chosen(t.name(), t.replicas())));
      for (Candidate c : candidates) {
        if (!chosen.contains(c.name())) {
          verdicts.put(
              c.name(),
              ClusterVerdict.rejected(
                  c.name(),
                  "",
                  selectedNames.contains(c.name())
                      ? "assigned no replicas"
                      : "not selected by the spread constraints"));
        }
      }
      return new ScheduleResult(
          Outcome.SCHEDULED,
          targets,
          affinityName,
          ScheduleResult.SUCCESS_MESSAGE,
          ordered(verdicts, clusters));
    } catch (SchedulingException e) {
      for (Candidate c : candidates) {
        verdicts.put(c.name(), ClusterVerdict.rejected(c.name(), "", e.getMessage()));
      }
      return failure(
          e.unschedulable() ? Outcome.UNSCHEDULABLE : Outcome.SCHEDULER_ERROR,
          e.getMessage(),
          affinityName,
          verdicts,
          clusters);
    }
  }

  private static ClusterVerdict runFilters(
      List<FilterPlugin> filters, JsonNode placement, JsonNode bindingSpec, JsonNode cluster) {
    for (FilterPlugin filter : filters) {
      Result result = filter.filter(placement, bindingSpec, cluster);
      if (!result.schedulable()) {
        return ClusterVerdict.rejected(Nodes.name(cluster), filter.name(), result.message());
      }
    }
    return null;
  }

  private List<Candidate> candidates(
      JsonNode placement, JsonNode term, JsonNode bindingSpec, List<JsonNode> feasible) {
    List<Candidate> out = new ArrayList<>();
    List<ScorePlugin> scorers = registry.scorers();
    for (JsonNode cluster : feasible) {
      long score = 0;
      for (ScorePlugin scorer : scorers) {
        score += scorer.score(placement, bindingSpec, cluster);
      }
      String name = Nodes.name(cluster);
      int allocatable = ReplicaEstimator.available(cluster, bindingSpec);
      long available = (long) allocatable + Bindings.assignedReplicas(bindingSpec, name);
      out.add(
          new Candidate(
              name,
              cluster,
              score,
              ReplicaAssignment.overflowOrder(cluster, term),
              available,
              allocatable));
    }
    out.sort(Candidate.ORDER);
    return out;
  }

  /** Karmada's FitError text: a sorted histogram of reasons over all clusters. */
  static String fitError(int clusterCount, Map<String, Integer> histogram) {
    if (clusterCount == 0 || histogram.isEmpty()) {
      return "0/" + clusterCount + " clusters are available: no cluster exists.";
    }
    List<String> parts = new ArrayList<>();
    histogram.forEach((reason, count) -> parts.add(count + " " + reason));
    parts.sort(null);
    return "0/" + clusterCount + " clusters are available: " + String.join(", ", parts) + ".";
  }

  private static ScheduleResult failure(
      Outcome outcome,
      String message,
      String affinityName,
      Map<String, ClusterVerdict> verdicts,
      List<JsonNode> clusters) {
    return new ScheduleResult(
        outcome, List.of(), affinityName, message, ordered(verdicts, clusters));
  }

  private static List<ClusterVerdict> ordered(
      Map<String, ClusterVerdict> verdicts, List<JsonNode> clusters) {
    List<ClusterVerdict> out = new ArrayList<>();
    for (JsonNode cluster : clusters) {
      ClusterVerdict verdict = verdicts.get(Nodes.name(cluster));
      if (verdict != null) {
        out.add(verdict);
      }
    }
    return out;
  }

  /**
   * Karmada's RescheduleRequired: spec.rescheduleTriggeredAt is later than
   * status.lastScheduledTime.
   */
  static boolean rescheduleRequested(JsonNode bindingSpec, JsonNode bindingStatus) {
    String triggered = Nodes.text(bindingSpec, "rescheduleTriggeredAt");
    String last = Nodes.text(bindingStatus, "lastScheduledTime");
    if (triggered.isEmpty() || last.isEmpty()) {
      return false;
    }
    try {
      return Instant.parse(triggered).isAfter(Instant.parse(last));
    } catch (DateTimeParseException e) {
      return false;
    }
  }
}
