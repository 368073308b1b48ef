package dev.flotilla.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.controller.runtime.Kinds;
import dev.flotilla.controller.runtime.Trees;
import dev.flotilla.controller.scheduler.SchedulerController;
import dev.flotilla.fixtures.Await;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Which Cluster changes cost the scheduler a pass over the bindings: heartbeat-like updates (status
 * times and messages, resource summaries, annotations) none, a label a policy selects on one that
 * moves the bindings. A restarted hub sees dozens of the first kind as agents reconnect.
 */
class SchedulerPassesIT {
  private static final int BINDINGS = 5;
  private static final int UPDATES = 20;

  @Test
  void heartbeatsCostNoPassAndARelevantLabelMovesTheBindings() {
    // The global registry records nothing until a registry is added (the hub adds Prometheus's).
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Metrics.addRegistry(registry);
    try (HubFixture fx = new HubFixture("c1", "c2");
        ControllerManager m = new ControllerManager(fx.client, "passes").start()) {
      label(fx, "c1", "prod");
      StringBuilder yaml = new StringBuilder();
      for (int i = 0; i < BINDINGS; i++) {
        yaml.append("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm")
            .append(i)
            .append(", namespace: default}\ndata: {k: v}\n---\n");
      }
      yaml.append(
          """
          apiVersion: policy.karmada.io/v1alpha1
          kind: PropagationPolicy
          metadata: {name: prod, namespace: default}
          spec:
            resourceSelectors: [{apiVersion: v1, kind: ConfigMap}]
            placement: {clusterAffinity: {labelSelector: {matchLabels: {env: prod}}}}
          """);
      fx.client.load(new ByteArrayInputStream(yaml.toString().getBytes())).serverSideApply();
      for (int i = 0; i < BINDINGS; i++) {
        String name = "cm" + i;
        Await.until("Work of " + name + " in c1", () -> fx.work("c1", name));
      }
      double before = quiet();

      for (int i = 0; i < UPDATES; i++) {
        if (i % 2 == 0) {
          heartbeat(fx, i % 4 == 0 ? "c1" : "c2", i);
        } else {
          annotate(fx, i % 4 == 1 ? "c1" : "c2", i);
        }
      }
      double after = quiet();
      assertEquals(
          0,
          after - before,
          UPDATES + " heartbeat and annotation updates of Clusters made the scheduler reconcile");

      double skippedBeforeMove = skipped();
      label(fx, "c1", "dev");
      label(fx, "c2", "prod");
      for (int i = 0; i < BINDINGS; i++) {
        String name = "cm" + i;
        Await.until("Work of " + name + " moved to c2", () -> fx.work("c2", name));
        Await.until(
            "binding of " + name + " on c2 alone",
            () -> "[c2]".equals(clusters(fx, name)) ? true : null);
      }
      // Each move is a spec write; its own watch event comes back and is skipped, not scheduled a
      // second time (a full schedule over every Cluster, as dear as the first).
      Await.until(
          "the scheduler to skip the watch events of its own writes",
          () -> skipped() >= skippedBeforeMove + BINDINGS ? true : null);
      // A binding event that changes none of its scheduling inputs (a label: placement reads none
      // of
      // a binding's) is skipped without a write.
      double skippedBefore = skipped();
      for (int i = 0; i < BINDINGS; i++) {
        fx.client
            .genericKubernetesResources(Kinds.RESOURCE_BINDING)
            .inNamespace("default")
            .withName("cm" + i + "-configmap")
            // A merge patch without a resourceVersion, as `kubectl label` sends: the binding
            // controller may write the binding's status meanwhile (edit's 409 under load).
            .patch(
                io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                    io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
                "{\"metadata\":{\"labels\":{\"example.dev/touched\":\"yes\"}}}");
      }
      Await.until(
          "the scheduler to skip the touched bindings",
          () -> skipped() >= skippedBefore + BINDINGS ? true : null);
    } finally {
      Metrics.removeRegistry(registry);
      registry.close();
    }
  }

  /** The scheduler's reconcile count once it stopped changing for a few seconds. */
  private static double quiet() {
    return Await.until(
        "the scheduler to go quiet",
        Duration.ofMinutes(3),
        () -> {
          double a = reconciles();
          Await.pause(Duration.ofSeconds(4));
          return a == reconciles() ? a : null;
        });
  }

  private static double skipped() {
    var c = Metrics.globalRegistry.find("flotilla.scheduler.unchanged.skipped").counter();
    return c == null ? 0 : c.count();
  }

  private static double reconciles() {
    Timer t =
        Metrics.globalRegistry
            .find("workqueue.work.duration")
            .tag("name", SchedulerController.NAME)
            .timer();
    if (t == null) {
      throw new IllegalStateException("the scheduler's queue records no reconcile count");
    }
    return t.count();
  }

  /** The names in a ConfigMap's binding's {@code spec.clusters}. */
  private static String clusters(HubFixture fx, String configMap) {
    JsonNode targets =
        Trees.tree(
                fx.client
                    .genericKubernetesResources(Kinds.RESOURCE_BINDING)
                    .inNamespace("default")
                    .withName(configMap + "-configmap")
                    .get())
            .path("spec")
            .path("clusters");
    java.util.List<String> names = new java.util.ArrayList<>();
    targets.forEach(t -> names.add(t.path("name").asText()));
    return names.toString();
  }

  private static ObjectNode cluster(HubFixture fx, String name) {
    return Trees.tree(fx.client.genericKubernetesResources(Kinds.CLUSTER).withName(name).get());
  }

  private static void label(HubFixture fx, String name, String env) {
    ObjectNode c = cluster(fx, name);
    c.with("metadata").with("labels").put("env", env);
    fx.client.genericKubernetesResources(Kinds.CLUSTER).resource(Trees.generic(c)).update();
  }

  private static void annotate(HubFixture fx, String name, int round) {
    ObjectNode c = cluster(fx, name);
    c.with("metadata").with("annotations").put("example.dev/round", String.valueOf(round));
    fx.client.genericKubernetesResources(Kinds.CLUSTER).resource(Trees.generic(c)).update();
  }

  /** What an agent's status round changes: condition times and messages, the resource summary. */
  private static void heartbeat(HubFixture fx, String name, int round) {
    ObjectNode c = cluster(fx, name);
    for (JsonNode cond : c.path("status").path("conditions")) {
      ((ObjectNode) cond)
          .put("lastHeartbeatTime", "2026-12-06T00:00:" + (10 + round) + "Z")
          .put("message", "heartbeat " + round);
    }
    c.with("status").with("resourceSummary").with("allocated").put("pods", String.valueOf(round));
    fx.client.genericKubernetesResources(Kinds.CLUSTER).resource(Trees.generic(c)).updateStatus();
  }
}
