package dev.flotilla.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.controller.ControllerManager;
import dev.flotilla.fixtures.Await;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Restarts do not disturb what is running. A restarted agent re-applies its Works without
 * recreating anything (same uids, an unchanged Deployment keeps its generation) and catches up on a
 * change made while it was down, with the Work back at Applied for its latest generation. A new
 * controller manager taking over from a stopped one adopts the existing bindings and Works: no
 * duplicate Works, none recreated, member objects keep their uids, and changes flow again.
 */
class RestartE2E {
  @RegisterExtension static final FleetExtension FLEET = new FleetExtension();

  @Test
  void agentRestartReappliesWithoutDrift() {
    Fleet fleet = FLEET.fleet();
    String ns = fleet.newNamespace("agent-restart");
    fleet.create(
        Propagation.deployment(ns, "web", 2)
            + """
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: cfg, namespace: %1$s}
        data: {greeting: hello}
        ---
        apiVersion: policy.karmada.io/v1alpha1
        kind: PropagationPolicy
        metadata: {name: app, namespace: %1$s}
        spec:
          resourceSelectors:
          - {apiVersion: apps/v1, kind: Deployment, name: web}
          - {apiVersion: v1, kind: ConfigMap, name: cfg}
          placement:
            clusterAffinity: {clusterNames: [member1]}
        """
                .formatted(ns));
    Deployment web =
        Await.until(
            "web ready in member1",
            () -> {
              Deployment d =
                  fleet
                      .member("member1")
                      .apps()
                      .deployments()
                      .inNamespace(ns)
                      .withName("web")
                      .get();
              return d != null
                      && d.getStatus() != null
                      && Integer.valueOf(2).equals(d.getStatus().getReadyReplicas())
                  ? d
                  : null;
            });
    ConfigMap cfg =
        Await.until(
            "cfg in member1", () -> Propagation.memberConfigMap(fleet, "member1", ns, "cfg"));
    awaitAppliedAtLatestGeneration(fleet, ns, "Deployment", "web");
    awaitAppliedAtLatestGeneration(fleet, ns, "ConfigMap", "cfg");

    fleet.stopAgent("member1");
    fleet
        .hubClient()
        .configMaps()
        .inNamespace(ns)
        .withName("cfg")
        .edit(
            c -> {
              c.getData().put("greeting", "changed while the agent was down");
              return c;
            });
    Await.until(
        "cfg's Work has a newer generation than the agent applied",
        () -> {
          JsonNode w = fleet.work("member1", ns, "ConfigMap", "cfg");
          JsonNode applied = Fleet.condition(w, "Applied");
          return w.path("spec").toString().contains("changed while the agent was down")
              && applied.path("observedGeneration").asLong()
                  < w.path("metadata").path("generation").asLong();
        });

    fleet.startAgent("member1");
    awaitAppliedAtLatestGeneration(fleet, ns, "ConfigMap", "cfg");
    ConfigMap updated =
        Await.until(
            "member1's cfg caught up",
            () -> {
              ConfigMap c = Propagation.memberConfigMap(fleet, "member1", ns, "cfg");
              return c != null
                      && "changed while the agent was down".equals(c.getData().get("greeting"))
                  ? c
                  : null;
            });
    assertEquals(
        cfg.getMetadata().getUid(), updated.getMetadata().getUid(), "cfg updated in place");
    awaitAppliedAtLatestGeneration(fleet, ns, "Deployment", "web");

    Deployment after =
        fleet.member("member1").apps().deployments().inNamespace(ns).withName("web").get();
    assertEquals(web.getMetadata().getUid(), after.getMetadata().getUid(), "web not recreated");
    assertEquals(
        web.getMetadata().getGeneration(),
        after.getMetadata().getGeneration(),
        "web's spec was not rewritten by the restarted agent");
    assertEquals(1, fleet.works("member1", ns, "Deployment", "web").size());
  }

  @Test
  void controllerManagerRestartAdoptsBindingsAndWorks() {
    Fleet fleet = FLEET.fleet();
    String ns = fleet.newNamespace("cm-restart");
    fleet.create(
        Propagation.configMapWithPolicy(
            ns, "cfg", "{clusterAffinity: {clusterNames: [member2, member3]}}"));
    Propagation.awaitConfigMapExactlyIn(fleet, ns, "cfg", List.of("member2", "member3"));
    String bindingUid = fleet.binding(ns, "ConfigMap", "cfg").path("metadata").path("uid").asText();
    Map<String, String> workUids = new HashMap<>();
    Map<String, String> memberUids = new HashMap<>();
    for (String member : List.of("member2", "member3")) {
      workUids.put(
          member, fleet.work(member, ns, "ConfigMap", "cfg").path("metadata").path("uid").asText());
      memberUids.put(
          member, Propagation.memberConfigMap(fleet, member, ns, "cfg").getMetadata().getUid());
    }

    ControllerManager old = fleet.controllers();
    fleet.stopControllers();
    ControllerManager fresh = fleet.startControllers();
    Await.until("the new controller manager leads", () -> fresh.leading() && !old.leading());

    fleet
        .hubClient()
        .configMaps()
        .inNamespace(ns)
        .withName("cfg")
        .edit(
            c -> {
              c.getData().put("greeting", "after the restart");
              return c;
            });
    for (String member : List.of("member2", "member3")) {
      ConfigMap copy =
          Await.until(
              "the change reaches " + member,
              () -> {
                ConfigMap c = Propagation.memberConfigMap(fleet, member, ns, "cfg");
                return c != null && "after the restart".equals(c.getData().get("greeting"))
                    ? c
                    : null;
              });
      assertEquals(
          memberUids.get(member), copy.getMetadata().getUid(), member + "'s copy not recreated");
      List<JsonNode> works = fleet.works(member, ns, "ConfigMap", "cfg");
      assertEquals(1, works.size(), "one Work in karmada-es-" + member + ": " + works);
      assertEquals(
          workUids.get(member),
          works.get(0).path("metadata").path("uid").asText(),
          "the Work in karmada-es-" + member + " was updated, not recreated");
    }
    assertEquals(
        bindingUid, fleet.binding(ns, "ConfigMap", "cfg").path("metadata").path("uid").asText());
    assertEquals(
        List.of("member2", "member3"),
        Fleet.scheduledClusters(fleet.binding(ns, "ConfigMap", "cfg")));
  }

  /** Waits for the template's Work to say Applied=True for its current generation. */
  static JsonNode awaitAppliedAtLatestGeneration(Fleet fleet, String ns, String kind, String name) {
    return Await.until(
        kind + " " + name + "'s Work Applied at its latest generation",
        () -> {
          JsonNode w = fleet.work("member1", ns, kind, name);
          JsonNode applied = w == null ? null : Fleet.condition(w, "Applied");
          return applied != null
                  && "True".equals(applied.path("status").asText())
                  && applied.path("observedGeneration").asLong()
                      == w.path("metadata").path("generation").asLong()
              ? w
              : null;
        });
  }
}
