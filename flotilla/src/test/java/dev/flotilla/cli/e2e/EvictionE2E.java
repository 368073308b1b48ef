package dev.flotilla.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.controller.FailoverOptions;
import dev.flotilla.controller.runtime.Kinds;
import dev.flotilla.fixtures.Await;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Taint-based eviction and graceful eviction on simulated members: a NoExecute taint the binding
 * does not tolerate moves the workload to the remaining cluster, and the old copy stays until the
 * new one is healthy; an unreachable member gets the built-in NoExecute taint after the failover
 * eviction timeout, its workload moves (purgeMode Directly, the old copy's state carried as a
 * label), and when it comes back what was evicted from it is cleaned up there; a workload that
 * never gets ready fails over to its backup clusters ({@code failover.application}).
 *
 * <p>The new copy is held unhealthy by an OverridePolicy that keeps its pods not ready (the
 * simulator's {@code sim.flotilla.dev/ready} annotation), so each "stays until healthy" state can
 * be observed before the override goes.
 */
class EvictionE2E {
  private static final String STATE_LABEL = "e2e.flotilla.dev/ready-replicas";

  @RegisterExtension
  static final FleetExtension FLEET =
      new FleetExtension(
          Fleet.Options.shortLeases()
              .withFailover(
                  FailoverOptions.DEFAULTS.withTimeouts(
                      Duration.ofSeconds(2), Duration.ofMinutes(10))));

  private static String workload(String ns, String name, String a, String b, String failover) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: %1$s, namespace: %2$s, labels: {app: %1$s}}
        spec:
          replicas: 1
          selector: {matchLabels: {app: %1$s}}
          template:
            metadata: {labels: {app: %1$s}}
            spec: {containers: [{name: c, image: nginx:1.25}]}
        ---
        apiVersion: policy.karmada.io/v1alpha1
        kind: PropagationPolicy
        metadata: {name: %1$s, namespace: %2$s}
        spec:
          resourceSelectors: [{apiVersion: apps/v1, kind: Deployment, name: %1$s}]
          placement:
            clusterAffinity: {clusterNames: [%3$s, %4$s]}
            spreadConstraints: [{spreadByField: cluster, maxGroups: 1, minGroups: 1}]
          %5$s
        """
        .formatted(name, ns, a, b, failover);
  }

  /** Keeps the pods of the copy in {@code cluster} not ready, so that copy is Unhealthy. */
  private static String unready(String ns, String name, String cluster) {
    return """
        apiVersion: policy.karmada.io/v1alpha1
        kind: OverridePolicy
        metadata: {name: unready-%1$s, namespace: %2$s}
        spec:
          resourceSelectors: [{apiVersion: apps/v1, kind: Deployment, name: %1$s}]
          overrideRules:
          - targetCluster: {clusterNames: [%3$s]}
            overriders:
              plaintext:
              - {path: /spec/template/metadata/annotations, operator: add, value: {sim.flotilla.dev/ready: "false"}}
        """
        .formatted(name, ns, cluster);
  }

  @Test
  void anUntoleratedNoExecuteTaintMovesTheWorkloadAndTheOldCopyWaitsForHealth() {
    Fleet fleet = FLEET.fleet();
    String ns = fleet.newNamespace("taint");
    fleet.create(workload(ns, "web", "member1", "member2", ""));
    String from = scheduledHealthy(fleet, ns, "web");
    String to = from.equals("member1") ? "member2" : "member1";
    fleet.create(unready(ns, "web", to));

    setTaints(fleet, from, "[{\"key\":\"e2e.flotilla.dev/evict\",\"effect\":\"NoExecute\"}]");
    try {
      JsonNode evicted =
          Await.until(
              "web evicted from " + from + " and scheduled to " + to,
              () -> {
                JsonNode rb = fleet.binding(ns, "Deployment", "web");
                return Fleet.scheduledClusters(rb).equals(List.of(to))
                        && rb.path("spec").path("gracefulEvictionTasks").size() == 1
                        && deployment(fleet, to, ns, "web") != null
                    ? rb
                    : null;
              });
      JsonNode task = evicted.path("spec").path("gracefulEvictionTasks").get(0);
      assertEquals(from, task.path("fromCluster").asText(), task.toString());
      assertEquals("Gracefully", task.path("purgeMode").asText(), task.toString());
      assertEquals("TaintManager", task.path("producer").asText(), task.toString());
      assertEquals("TaintUntolerated", task.path("reason").asText(), task.toString());
      // The binding says so in words: Evicted and Failover conditions, and Karmada's event.
      JsonNode said =
          Await.until(
              "Evicted and Failover conditions on the binding",
              () -> {
                JsonNode rb = fleet.binding(ns, "Deployment", "web");
                return "True".equals(Fleet.conditionStatus(rb, "Evicted"))
                        && "True".equals(Fleet.conditionStatus(rb, "Failover"))
                    ? rb
                    : null;
              });
      assertTrue(
          Fleet.condition(said, "Evicted")
              .path("message")
              .asText()
              .contains(from + " (TaintUntolerated by TaintManager, purgeMode Gracefully)"),
          said.toString());
      assertEquals("ClusterFailover", Fleet.condition(said, "Failover").path("reason").asText());
      // Events are written off the reconcile that records them: they follow the conditions.
      Await.until(
          "the binding's EvictWorkloadFromClusterSucceed event",
          () ->
              Explain.reasons(Explain.events(fleet, ns, said))
                      .contains("EvictWorkloadFromClusterSucceed")
                  ? true
                  : null);

      // The new copy is not healthy: the old one stays, Work and member copy.
      Await.pause(Duration.ofSeconds(3));
      assertNotNull(fleet.work(from, ns, "Deployment", "web"), "the old Work stays");
      assertNotNull(deployment(fleet, from, ns, "web"), "the old copy stays");
      assertEquals(
          1,
          fleet.binding(ns, "Deployment", "web").path("spec").path("gracefulEvictionTasks").size());

      // Healthy at last: the task ends and the old copy goes.
      fleet
          .hubClient()
          .genericKubernetesResources(Kinds.OVERRIDE_POLICY)
          .inNamespace(ns)
          .withName("unready-web")
          .delete();
      Await.until(
          "the eviction task ends and the copy in " + from + " is removed",
          () -> {
            JsonNode rb = fleet.binding(ns, "Deployment", "web");
            return rb.path("spec").path("gracefulEvictionTasks").isEmpty()
                && fleet.work(from, ns, "Deployment", "web") == null
                && deployment(fleet, from, ns, "web") == null;
          });
      assertEquals(List.of(to), Fleet.scheduledClusters(fleet.binding(ns, "Deployment", "web")));
      JsonNode over =
          Await.until(
              "Evicted and Failover turn False once the task ends",
              () -> {
                JsonNode rb = fleet.binding(ns, "Deployment", "web");
                return "False".equals(Fleet.conditionStatus(rb, "Evicted"))
                        && "False".equals(Fleet.conditionStatus(rb, "Failover"))
                    ? rb
                    : null;
              });
      assertTrue(
          Fleet.condition(over, "Failover").path("message").asText().contains("runs on " + to),
          over.toString());
    } finally {
      setTaints(fleet, from, "[]");
    }
  }

  @Test
  void anUnreachableMemberIsTaintedItsWorkloadMovesAndItIsCleanedUpWhenItReturns() {
    Fleet fleet = FLEET.fleet();
    String ns = fleet.newNamespace("unreachable");
    String failover =
        "failover: {cluster: {purgeMode: Directly, statePreservation: {rules:"
            + " [{aliasLabelName: "
            + STATE_LABEL
            + ", jsonPath: '{.readyReplicas}'}]}}}";
    fleet.create(workload(ns, "db", "member2", "member3", failover));
    String from = scheduledHealthy(fleet, ns, "db");
    String to = from.equals("member2") ? "member3" : "member2";
    Await.until(
        "the status of db in " + from + " is collected",
        () -> {
          for (JsonNode item :
              fleet.binding(ns, "Deployment", "db").path("status").path("aggregatedStatus")) {
            if (from.equals(item.path("clusterName").asText())
                && item.path("status").path("readyReplicas").asInt() == 1) {
              return true;
            }
          }
          return null;
        });
    fleet.create(unready(ns, "db", to));

    fleet.stopAgent(from);
    try {
      Await.until(
          from + " tainted cluster.karmada.io/unreachable:NoExecute",
          () -> {
            for (JsonNode t : fleet.cluster(from).path("spec").path("taints")) {
              if ("cluster.karmada.io/unreachable".equals(t.path("key").asText())
                  && "NoExecute".equals(t.path("effect").asText())) {
                return true;
              }
            }
            return null;
          });
      JsonNode moved =
          Await.until(
              "db moved to " + to + " with its preserved state",
              () -> {
                JsonNode rb = fleet.binding(ns, "Deployment", "db");
                Deployment copy = deployment(fleet, to, ns, "db");
                return Fleet.scheduledClusters(rb).equals(List.of(to))
                        && copy != null
                        && "1".equals(copy.getMetadata().getLabels().get(STATE_LABEL))
                    ? rb
                    : null;
              });
      JsonNode task = moved.path("spec").path("gracefulEvictionTasks").get(0);
      assertEquals("Directly", task.path("purgeMode").asText(), task.toString());
      assertEquals("1", task.path("preservedLabelState").path(STATE_LABEL).asText());
      // Directly: the old Work is deleted at once; it waits for the member to come back.
      JsonNode oldWork = fleet.work(from, ns, "Deployment", "db");
      assertTrue(
          oldWork == null || oldWork.path("metadata").has("deletionTimestamp"),
          String.valueOf(oldWork));
      assertNotNull(deployment(fleet, from, ns, "db"), "the member is unreachable: untouched");
    } finally {
      fleet.startAgent(from);
    }
    Await.until(
        "the evicted copy is removed from " + from + " when it returns",
        () ->
            fleet.work(from, ns, "Deployment", "db") == null
                && deployment(fleet, from, ns, "db") == null);
    Await.until(
        from + " healthy again, without the unreachable taints",
        () -> fleet.cluster(from).path("spec").path("taints").isEmpty() ? true : null);
    fleet
        .hubClient()
        .genericKubernetesResources(Kinds.OVERRIDE_POLICY)
        .inNamespace(ns)
        .withName("unready-db")
        .delete();
    Await.until(
        "the eviction task ends once db is healthy in " + to,
        () ->
            fleet
                    .binding(ns, "Deployment", "db")
                    .path("spec")
                    .path("gracefulEvictionTasks")
                    .isEmpty()
                ? true
                : null);
    Await.pause(Duration.ofSeconds(2));
    assertEquals(List.of(to), Fleet.scheduledClusters(fleet.binding(ns, "Deployment", "db")));
    assertNull(deployment(fleet, from, ns, "db"), "no duplicate on the returned member");
  }

  @Test
  void aWorkloadThatNeverGetsReadyFailsOverToTheBackupClusters() {
    Fleet fleet = FLEET.fleet();
    String ns = fleet.newNamespace("appfailover");
    fleet.create(unready(ns, "app", "member1"));
    fleet.create(
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: app, namespace: %1$s, labels: {app: app}}
        spec:
          replicas: 1
          selector: {matchLabels: {app: app}}
          template:
            metadata: {labels: {app: app}}
            spec: {containers: [{name: c, image: nginx:1.25}]}
        ---
        apiVersion: policy.karmada.io/v1alpha1
        kind: PropagationPolicy
        metadata: {name: app, namespace: %1$s}
        spec:
          propagateDeps: true
          resourceSelectors: [{apiVersion: apps/v1, kind: Deployment, name: app}]
          placement:
            clusterAffinities:
            - {affinityName: primary, clusterNames: [member1]}
            - {affinityName: backup, clusterNames: [member3]}
          failover:
            application:
              decisionConditions: {tolerationSeconds: 2}
              purgeMode: Gracefully
              gracePeriodSeconds: 600
        """
            .formatted(ns));
    JsonNode moved =
        Await.until(
            "app evicted from member1 (never ready there) and scheduled to member3",
            () -> {
              JsonNode rb = fleet.binding(ns, "Deployment", "app");
              return rb != null
                      && Fleet.scheduledClusters(rb).equals(List.of("member3"))
                      && rb.path("spec").path("gracefulEvictionTasks").size() == 1
                  ? rb
                  : null;
            });
    JsonNode task = moved.path("spec").path("gracefulEvictionTasks").get(0);
    assertEquals("member1", task.path("fromCluster").asText(), task.toString());
    assertEquals("ApplicationFailure", task.path("reason").asText(), task.toString());
    assertEquals(
        "resource-binding-application-failover-controller",
        task.path("producer").asText(),
        task.toString());
    assertEquals(600, task.path("gracePeriodSeconds").asInt(), task.toString());
    Await.until(
        "app healthy in member3, the task ended and the copy in member1 removed",
        () -> {
          JsonNode rb = fleet.binding(ns, "Deployment", "app");
          return rb.path("spec").path("gracefulEvictionTasks").isEmpty()
              && fleet.work("member1", ns, "Deployment", "app") == null
              && deployment(fleet, "member1", ns, "app") == null
              && deployment(fleet, "member3", ns, "app") != null;
        });
    Await.pause(Duration.ofSeconds(2));
    assertEquals(
        List.of("member3"), Fleet.scheduledClusters(fleet.binding(ns, "Deployment", "app")));
  }

  /** Waits until the binding is scheduled to one cluster and healthy there; returns it. */
  private static String scheduledHealthy(Fleet fleet, String ns, String name) {
    return Await.until(
        name + " scheduled to one cluster and healthy there",
        () -> {
          JsonNode rb = fleet.binding(ns, "Deployment", name);
          if (rb == null || Fleet.scheduledClusters(rb).size() != 1) {
            return null;
          }
          String cluster = Fleet.scheduledClusters(rb).get(0);
          for (JsonNode item : rb.path("status").path("aggregatedStatus")) {
            if (cluster.equals(item.path("clusterName").asText())
                && "Healthy".equals(item.path("health").asText())) {
              return cluster;
            }
          }
          return null;
        });
  }

  private static Deployment deployment(Fleet fleet, String member, String ns, String name) {
    return fleet.member(member).apps().deployments().inNamespace(ns).withName(name).get();
  }

  /** Replaces the Cluster's taints (JSON array), as {@code kubectl patch --type merge}. */
  private static void setTaints(Fleet fleet, String cluster, String taints) {
    fleet
        .hubClient()
        .genericKubernetesResources(Kinds.CLUSTER)
        .withName(cluster)
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"taints\":" + taints + "}}");
  }
}
