package dev.flotilla.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.controller.runtime.Kinds;
import dev.flotilla.controller.runtime.Trees;
import dev.flotilla.fixtures.Await;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A CRD goes to a member through a ClusterPropagationPolicy; once the member serves the new kind
 * (and its agent has reported it in the Cluster's apiEnablements), a custom resource of that kind
 * follows through a PropagationPolicy and appears in the member with its spec.
 */
class CrdPropagationE2E {
  @RegisterExtension static final FleetExtension FLEET = new FleetExtension();

  private static final ResourceDefinitionContext WIDGETS =
      Kinds.ctx("e2e.flotilla.dev", "v1", "Widget", "widgets", true);

  @Test
  void crdThenCustomResourceReachTheMember() {
    Fleet fleet = FLEET.fleet();
    fleet.create(
        """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: widgets.e2e.flotilla.dev}
        spec:
          group: e2e.flotilla.dev
          scope: Namespaced
          names: {plural: widgets, singular: widget, kind: Widget, listKind: WidgetList}
          versions:
          - name: v1
            served: true
            storage: true
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    properties:
                      size: {type: integer}
                      color: {type: string}
        ---
        apiVersion: policy.karmada.io/v1alpha1
        kind: ClusterPropagationPolicy
        metadata: {name: widgets-crd}
        spec:
          resourceSelectors:
          - {apiVersion: apiextensions.k8s.io/v1, kind: CustomResourceDefinition, name: widgets.e2e.flotilla.dev}
          placement:
            clusterAffinity: {clusterNames: [member2]}
        """);
    KubernetesClient member2 = fleet.member("member2");
    Await.until(
        "member2 serves the CRD",
        () ->
            member2
                .apiextensions()
                .v1()
                .customResourceDefinitions()
                .withName("widgets.e2e.flotilla.dev")
                .get());
    Await.until(
        "member2's Cluster lists e2e.flotilla.dev/v1 Widget",
        () -> {
          for (JsonNode e : fleet.cluster("member2").path("status").path("apiEnablements")) {
            if (e.path("groupVersion").asText().equals("e2e.flotilla.dev/v1")
                && e.path("resources").toString().contains("\"Widget\"")) {
              return true;
            }
          }
          return null;
        });

    String ns = fleet.newNamespace("crd");
    Await.until(
        "the hub serves Widgets",
        () -> fleet.hubClient().genericKubernetesResources(WIDGETS).inNamespace(ns).list() != null);
    fleet.create(
        """
        apiVersion: e2e.flotilla.dev/v1
        kind: Widget
        metadata: {name: blue, namespace: %1$s}
        spec: {size: 3, color: blue}
        ---
        apiVersion: policy.karmada.io/v1alpha1
        kind: PropagationPolicy
        metadata: {name: widgets, namespace: %1$s}
        spec:
          resourceSelectors: [{apiVersion: e2e.flotilla.dev/v1, kind: Widget}]
          placement:
            clusterAffinity: {clusterNames: [member2]}
        """
            .formatted(ns));
    GenericKubernetesResource widget =
        Await.until(
            "Widget blue in member2",
            () ->
                member2.genericKubernetesResources(WIDGETS).inNamespace(ns).withName("blue").get());
    JsonNode spec = Trees.tree(widget).path("spec");
    assertEquals(3, spec.path("size").asInt(), spec.toString());
    assertEquals("blue", spec.path("color").asText(), spec.toString());
    assertEquals("true", widget.getMetadata().getLabels().get("karmada.io/managed"));
    JsonNode work =
        Await.until(
            "the Widget's Work is Applied",
            () -> {
              JsonNode w = fleet.work("member2", ns, "Widget", "blue");
              return w != null && "True".equals(Fleet.conditionStatus(w, "Applied")) ? w : null;
            });
    assertEquals("True", Fleet.conditionStatus(work, "Applied"));
    assertNull(
        fleet
            .member("member1")
            .apiextensions()
            .v1()
            .customResourceDefinitions()
            .withName("widgets.e2e.flotilla.dev")
            .get(),
        "the CRD went to member2 only");
  }
}
