package dev.flotilla.controller.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flotilla.policies.placement.ClusterVerdict;
import dev.flotilla.policies.placement.ScheduleResult;
import dev.flotilla.policies.placement.TargetCluster;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Scheduled condition and events name the clusters a filter plugin dropped. */
class ScheduleReportTest {
  @Test
  void clustersTheAffinityLeftOutAreNotWarnedAbout() {
    ScheduleResult r =
        scheduled(
            new ClusterVerdict("member1", true, 2, "", ""),
            new ClusterVerdict("member2", false, 0, "ClusterAffinity", "cluster(s) did not match"));
    assertEquals("", ScheduleReport.filtered(r));
    assertEquals(ScheduleResult.SUCCESS_MESSAGE, ScheduleReport.conditionMessage(r));
    assertEquals(
        "Binding has been scheduled successfully. Result: {member1:2}",
        ScheduleReport.successMessage(r));
  }

  @Test
  void aClusterAFilterDroppedIsNamedWithThePlugin() {
    ScheduleResult r =
        scheduled(
            new ClusterVerdict("member1", true, 2, "", ""),
            new ClusterVerdict("member2", false, 0, "ClusterAffinity", "cluster(s) did not match"),
            new ClusterVerdict(
                "member3", false, 0, "APIEnablement", "cluster(s) did not have the API resource"));
    assertEquals(
        "Binding has been scheduled successfully. 1/3 cluster(s) filtered out: member3"
            + " (APIEnablement: cluster(s) did not have the API resource).",
        ScheduleReport.conditionMessage(r));
  }

  @Test
  void aLongListSaysHowManyMore() {
    List<ClusterVerdict> verdicts = new ArrayList<>();
    for (int i = 1; i <= 13; i++) {
      verdicts.add(new ClusterVerdict("m" + i, false, 0, "TaintToleration", "tainted"));
    }
    ScheduleResult r =
        new ScheduleResult(
            ScheduleResult.Outcome.NO_CLUSTER_FIT, List.of(), "", "0/13 clusters", verdicts);
    String filtered = ScheduleReport.filtered(r);
    assertEquals(true, filtered.startsWith("13/13 cluster(s) filtered out: m1 (TaintToleration"));
    assertEquals(true, filtered.endsWith("m10 (TaintToleration: tainted), and 3 more"), filtered);
  }

  private static ScheduleResult scheduled(ClusterVerdict... verdicts) {
    List<TargetCluster> targets = new ArrayList<>();
    for (ClusterVerdict v : verdicts) {
      if (v.chosen()) {
        targets.add(new TargetCluster(v.cluster(), v.replicas()));
      }
    }
    return new ScheduleResult(
        ScheduleResult.Outcome.SCHEDULED,
        targets,
        "",
        ScheduleResult.SUCCESS_MESSAGE,
        List.of(verdicts));
  }
}
