package dev.flotilla.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.controller.runtime.Trees;
import dev.flotilla.fixtures.Await;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The hub writes each propagated Deployment's status from its members' (and anyone may write a
 * template's status). Those writes leave the template's binding alone: the binding records the
 * template version of its last change beyond status, so a status round costs no binding write, no
 * schedule and no Work render. A change of the template's spec still moves the binding and reaches
 * the members.
 */
class TemplateStatusE2E {
  @RegisterExtension static final FleetExtension FLEET = new FleetExtension();

  @Test
  void statusWritesLeaveTheBindingWhileASpecChangeMovesIt() throws Exception {
    Fleet fleet = FLEET.fleet();
    String ns = fleet.newNamespace("template-status");
    fleet.create(
        Propagation.deployment(ns, "web", 2)
            + """
            ---
            apiVersion: policy.karmada.io/v1alpha1
            kind: PropagationPolicy
            metadata: {name: web, namespace: %s}
            spec:
              resourceSelectors: [{apiVersion: apps/v1, kind: Deployment, name: web}]
              placement: {clusterAffinity: {clusterNames: [member1, member2]}}
            """
                .formatted(ns));
    var templates = fleet.hubClient().apps().deployments().inNamespace(ns);
    Await.until(
        "the template's status sums both members' 2 ready replicas",
        () ->
            templates.withName("web").get().getStatus() != null
                    && Integer.valueOf(4)
                        .equals(templates.withName("web").get().getStatus().getReadyReplicas())
                ? true
                : null);
    // The controllers' own follow-ups (the claim's watch event, the scheduler's) are done first:
    // scheduled at its generation, and the same generation a second later.
    JsonNode before =
        Await.until(
            "the binding settles",
            () -> {
              JsonNode first = fleet.binding(ns, "Deployment", "web");
              if (first.path("status").path("schedulerObservedGeneration").asLong()
                  != first.path("metadata").path("generation").asLong()) {
                return null;
              }
              Thread.sleep(1000);
              JsonNode second = fleet.binding(ns, "Deployment", "web");
              return second.path("metadata").path("generation").asLong()
                      == first.path("metadata").path("generation").asLong()
                  ? second
                  : null;
            });

    // Someone else's status write, on top of the hub's own rounds.
    Deployment t = templates.withName("web").get();
    t.setStatus(new DeploymentStatusBuilder(t.getStatus()).withObservedGeneration(7L).build());
    templates.resource(t).updateStatus();
    for (int i = 0; i < 6; i++) {
      Thread.sleep(500);
      JsonNode now = fleet.binding(ns, "Deployment", "web");
      assertEquals(
          before.path("metadata").path("generation").asLong(),
          now.path("metadata").path("generation").asLong(),
          "a status write moved the binding: "
              + before.path("spec")
              + " -> "
              + now.path("spec")
              + " template "
              + templates.withName("web").get().getMetadata().getResourceVersion());
      assertEquals(
          before.path("spec").path("resource").path("resourceVersion").asText(),
          now.path("spec").path("resource").path("resourceVersion").asText());
    }

    templates
        .withName("web")
        .edit(
            d -> {
              d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("nginx:1.27");
              return d;
            });
    String edited = templates.withName("web").get().getMetadata().getResourceVersion();
    Await.until(
        "the binding records the edited template version",
        () -> {
          JsonNode rb = fleet.binding(ns, "Deployment", "web");
          return Long.parseLong(Trees.text(rb, "spec", "resource", "resourceVersion"))
                  >= Long.parseLong(edited)
              ? rb
              : null;
        });
    for (String member : new String[] {"member1", "member2"}) {
      Await.until(
          "member " + member + " runs the edited image",
          () -> {
            Deployment d =
                fleet.member(member).apps().deployments().inNamespace(ns).withName("web").get();
            return d != null
                    && "nginx:1.27"
                        .equals(
                            d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                ? d
                : null;
          });
    }
  }
}
