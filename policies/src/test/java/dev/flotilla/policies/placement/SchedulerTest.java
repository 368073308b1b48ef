package dev.flotilla.policies.placement;

import static dev.flotilla.policies.placement.Fixtures.cluster;
import static dev.flotilla.policies.placement.Fixtures.clusters;
import static dev.flotilla.policies.placement.Fixtures.deploymentSpec;
import static dev.flotilla.policies.placement.Fixtures.targets;
import static dev.flotilla.policies.placement.Fixtures.withCapacity;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.policies.Yaml;
import dev.flotilla.policies.placement.ScheduleResult.Outcome;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SchedulerTest {

  private static final Scheduler SCHEDULER = Scheduler.withDefaultPlugins();
  private static final List<JsonNode> THREE =
      clusters(cluster("member1"), cluster("member2"), cluster("member3"));
  private static final String NOT_READY =
      "{syncMode: Pull, taints: [{key: cluster.karmada.io/not-ready, effect: NoSchedule}]}";

  record Case(
      String name,
      String placement,
      JsonNode spec,
      List<JsonNode> clusters,
      Outcome outcome,
      String targets) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    List<JsonNode> capacities =
        clusters(
            withCapacity("member1", 10), withCapacity("member2", 30), withCapacity("member3", 5));
    return Stream.of(
        new Case(
            "no replicaScheduling duplicates",
            "{clusterAffinity: {clusterNames: [member1, member2]}}",
            deploymentSpec(3, ""),
            THREE,
            Outcome.SCHEDULED,
            "member1=3 member2=3"),
        new Case(
            "non-workloads get the cluster list",
            "{}",
            Yaml.node("{resource: {apiVersion: v1, kind: Service, name: s}}"),
            THREE,
            Outcome.SCHEDULED,
            "member1=0 member2=0 member3=0"),
        new Case(
            "static weights 1:2",
            """
                        {replicaScheduling: {replicaSchedulingType: Divided, replicaDivisionPreference: Weighted,
                          weightPreference: {staticWeightList: [
                            {targetCluster: {clusterNames: [member1]}, weight: 1},
                            {targetCluster: {clusterNames: [member2]}, weight: 2}]}}}""",
            deploymentSpec(9, ""),
            THREE,
            Outcome.SCHEDULED,
            "member1=3 member2=6"),
        new Case(
            "Divided without preference weighs clusters equally",
            "{replicaScheduling: {replicaSchedulingType: Divided}}",
            deploymentSpec(7, ""),
            THREE,
            Outcome.SCHEDULED,
            "member1=3 member2=2 member3=2"),
        new Case(
            "dynamic weight by available replicas",
            """
                        {replicaScheduling: {replicaSchedulingType: Divided, replicaDivisionPreference: Weighted,
                          weightPreference: {dynamicWeight: AvailableReplicas}}}""",
            deploymentSpec(9, ""),
            capacities,
            Outcome.SCHEDULED,
            "member1=2 member2=6 member3=1"),
        new Case(
            "dynamic weight without summaries: equal",
            """
                        {replicaScheduling: {replicaSchedulingType: Divided, replicaDivisionPreference: Weighted,
                          weightPreference: {dynamicWeight: AvailableReplicas}}}""",
            deploymentSpec(4, ""),
            clusters(cluster("member1"), cluster("member2")),
            Outcome.SCHEDULED,
            "member1=2 member2=2"),
        new Case(
            "aggregated uses the fewest clusters",
            """
                        {replicaScheduling: {replicaSchedulingType: Divided, replicaDivisionPreference: Aggregated}}""",
            deploymentSpec(12, ""),
            capacities,
            Outcome.SCHEDULED,
            "member2=12"),
        new Case(
            "aggregated spills over by capacity",
            """
                        {replicaScheduling: {replicaSchedulingType: Divided, replicaDivisionPreference: Aggregated}}""",
            deploymentSpec(35, ""),
            capacities,
            Outcome.SCHEDULED,
            "member1=9 member2=26"),
        new Case(
            "not enough capacity",
            """
                        {replicaScheduling: {replicaSchedulingType: Divided, replicaDivisionPreference: Aggregated}}""",
            deploymentSpec(50, ""),
            capacities,
            Outcome.UNSCHEDULABLE,
            ""),
        new Case(
            "scale up adds to the previous assignment",
            """
                        {replicaScheduling: {replicaSchedulingType: Divided, replicaDivisionPreference: Weighted,
                          weightPreference: {dynamicWeight: AvailableReplicas}}}""",
            deploymentSpec(6, "[{name: member1, replicas: 2}, {name: member3, replicas: 2}]"),
            clusters(withCapacity("member1", 10), withCapacity("member3", 10)),
            Outcome.SCHEDULED,
            "member1=3 member3=3"),
        new Case(
            "scale down in proportion",
            """
                        {replicaScheduling: {replicaSchedulingType: Divided, replicaDivisionPreference: Weighted,
                          weightPreference: {dynamicWeight: AvailableReplicas}}}""",
            deploymentSpec(3, "[{name: member1, replicas: 4}, {name: member2, replicas: 2}]"),
            clusters(withCapacity("member1", 10), withCapacity("member2", 10)),
            Outcome.SCHEDULED,
            "member1=2 member2=1"),
        new Case(
            "spread by cluster keeps current clusters first",
            "{spreadConstraints: [{spreadByField: cluster, maxGroups: 2, minGroups: 1}]}",
            deploymentSpec(2, "[{name: member3, replicas: 2}]"),
            THREE,
            Outcome.SCHEDULED,
            "member3=2 member1=2"),
        new Case(
            "spread minGroups unmet",
            "{spreadConstraints: [{spreadByField: cluster, minGroups: 4}]}",
            deploymentSpec(2, ""),
            THREE,
            Outcome.SCHEDULER_ERROR,
            ""),
        new Case(
            "zone-only spread cannot select",
            "{spreadConstraints: [{spreadByField: zone}]}",
            deploymentSpec(2, ""),
            clusters(cluster("z1", "", "{zones: [a]}", "")),
            Outcome.SCHEDULER_ERROR,
            ""),
        new Case(
            "no clusters", "{}", deploymentSpec(1, ""), List.of(), Outcome.NO_CLUSTER_FIT, ""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void schedule(Case c) {
    ScheduleResult result = SCHEDULER.schedule(Yaml.node(c.placement()), c.spec(), c.clusters());
    assertEquals(c.outcome(), result.outcome(), result.message());
    assertEquals(c.targets(), targets(result));
    assertEquals(c.clusters().size(), result.verdicts().size());
  }

  @Test
  void fitErrorCountsReasons() {
    List<JsonNode> clusters =
        clusters(
            cluster("member1", "", NOT_READY, ""),
            cluster("member2", "", NOT_READY, ""),
            cluster("member3"));
    ScheduleResult result =
        SCHEDULER.schedule(
            Yaml.node("{clusterAffinity: {clusterNames: [member1, member2]}}"),
            deploymentSpec(1, ""),
            clusters);
    assertEquals(Outcome.NO_CLUSTER_FIT, result.outcome());
    assertEquals("NoClusterFit", result.reason());
    assertTrue(result.updatesTargets());
    assertEquals(
        "0/3 clusters are available: 1 cluster(s) did not match the placement cluster affinity "
            + "constraint, 2 cluster(s) had untolerated taint {cluster.karmada.io/not-ready:NoSchedule}.",
        result.message());
    assertEquals(
        List.of(
            ClusterVerdict.rejected(
                "member1",
                "TaintToleration",
                "cluster(s) had untolerated taint {cluster.karmada.io/not-ready:NoSchedule}"),
            ClusterVerdict.rejected(
                "member2",
                "TaintToleration",
                "cluster(s) had untolerated taint {cluster.karmada.io/not-ready:NoSchedule}"),
            ClusterVerdict.rejected(
                "member3",
                "ClusterAffinity",
                "cluster(s) did not match the placement cluster affinity constraint")),
        result.verdicts());
  }

  @Test
  void clusterAffinitiesFallBackInOrder() {
    String placement =
        """
                clusterAffinities:
                - {affinityName: primary, clusterNames: [member9]}
                - {affinityName: backup, clusterNames: [member2]}
                """;
    ScheduleResult result = SCHEDULER.schedule(Yaml.node(placement), deploymentSpec(2, ""), THREE);
    assertEquals(Outcome.SCHEDULED, result.outcome());
    assertEquals("backup", result.affinityName());
    assertEquals("member2=2", targets(result));
  }

  @Test
  void clusterAffinitiesStartFromTheObservedTerm() {
    String placement =
        """
                clusterAffinities:
                - {affinityName: primary, clusterNames: [member1]}
                - {affinityName: backup, clusterNames: [member2]}
                """;
    JsonNode status = Yaml.node("{schedulerObservingAffinityName: backup}");
    ScheduleResult sticky =
        SCHEDULER.schedule(Yaml.node(placement), deploymentSpec(1, ""), status, THREE);
    assertEquals("backup", sticky.affinityName());
    assertEquals("member2=1", targets(sticky));

    // A reschedule request starts over from the first term.
    JsonNode spec = deploymentSpec(1, "[{name: member2, replicas: 1}]");
    ((ObjectNode) spec).put("rescheduleTriggeredAt", "2024-05-02T00:00:00Z");
    JsonNode lastScheduled =
        Yaml.node(
            "{schedulerObservingAffinityName: backup, lastScheduledTime: '2024-05-01T00:00:00Z'}");
    ScheduleResult fresh = SCHEDULER.schedule(Yaml.node(placement), spec, lastScheduled, THREE);
    assertEquals("primary", fresh.affinityName());
  }

  @Test
  void allTermsFailingReportsTheFirstError() {
    String placement =
        """
                clusterAffinities:
                - {affinityName: a, clusterNames: [x]}
                - {affinityName: b, clusterNames: [y]}
                """;
    ScheduleResult result =
        SCHEDULER.schedule(
            Yaml.node(placement),
            deploymentSpec(1, ""),
            Yaml.node("{schedulerObservingAffinityName: a}"),
            THREE);
    assertEquals(Outcome.NO_CLUSTER_FIT, result.outcome());
    assertEquals("a", result.affinityName());
    assertTrue(
        result.message().startsWith("0/3 clusters are available: 3 cluster(s) did not match"));
  }

  @Test
  void overflowAffinitiesFillThePrimaryTierFirst() {
    String placement =
        """
                replicaScheduling: {replicaSchedulingType: Divided, replicaDivisionPreference: Weighted,
                  weightPreference: {dynamicWeight: AvailableReplicas}}
                clusterAffinities:
                - affinityName: onprem
                  clusterNames: [member1]
                  overflowAffinities: [{affinityName: cloud, clusterNames: [member2]}]
                """;
    List<JsonNode> clusters = clusters(withCapacity("member1", 4), withCapacity("member2", 100));
    ScheduleResult result =
        SCHEDULER.schedule(Yaml.node(placement), deploymentSpec(10, ""), clusters);
    assertEquals("member1=4 member2=6", targets(result));
  }

  @Test
  void deletingClustersAreSkipped() {
    JsonNode deleting = cluster("member1").deepCopy();
    ((ObjectNode) deleting.path("metadata")).put("deletionTimestamp", "2024-01-01T00:00:00Z");
    ScheduleResult result =
        SCHEDULER.schedule(
            Yaml.node("{}"), deploymentSpec(1, ""), clusters(deleting, cluster("member2")));
    assertEquals("member2=1", targets(result));
    assertEquals(
        ClusterVerdict.rejected("member1", "", "cluster is being deleted"),
        result.verdicts().get(0));
  }

  @Test
  void explainShowsEveryCluster() {
    List<ClusterVerdict> verdicts =
        SCHEDULER.explain(
            Yaml.node(
                "{spreadConstraints: [{spreadByField: cluster, maxGroups: 1}], clusterAffinity: {exclude: [member3]}}"),
            deploymentSpec(2, ""),
            null,
            THREE);
    assertEquals(
        List.of(
            ClusterVerdict.chosen("member1", 2),
            ClusterVerdict.rejected("member2", "", "not selected by the spread constraints"),
            ClusterVerdict.rejected(
                "member3",
                "ClusterAffinity",
                "cluster(s) did not match the placement cluster affinity constraint")),
        verdicts);
  }

  @Test
  void workloadsScaledToZero() {
    String weighted = "{replicaScheduling: {replicaSchedulingType: Divided}}";
    JsonNode spec =
        Yaml.node(
            """
                resource: {apiVersion: apps/v1, kind: Deployment, name: nginx}
                replicas: 0
                replicaRequirements: {resourceRequest: {cpu: 100m}}
                """);
    assertEquals("", targets(SCHEDULER.schedule(Yaml.node(weighted), spec, THREE)));
    Scheduler keepEmpty = new Scheduler(Registry.inTree(), true);
    assertEquals(
        "member1=0 member2=0 member3=0",
        targets(keepEmpty.schedule(Yaml.node(weighted), spec, THREE)));
  }

  @Test
  void resultJson() {
    ScheduleResult result =
        SCHEDULER.schedule(Yaml.node("{}"), deploymentSpec(2, ""), clusters(cluster("member1")));
    assertTrue(result.scheduled());
    assertEquals("Success", result.reason());
    assertEquals(ScheduleResult.SUCCESS_MESSAGE, result.message());
    assertEquals("[{\"name\":\"member1\",\"replicas\":2}]", result.clustersJson().toString());
    assertFalse(SCHEDULER.schedule(Yaml.node("{}"), deploymentSpec(2, ""), List.of()).scheduled());
  }
}
