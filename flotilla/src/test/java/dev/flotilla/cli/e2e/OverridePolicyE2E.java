package dev.flotilla.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.flotilla.fixtures.Await;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An OverridePolicy whose rule targets one cluster changes only that cluster's copy: member2's
 * Deployment gets the mirrored image and the extra label, member1's keeps the template's.
 */
class OverridePolicyE2E {
  @RegisterExtension static final FleetExtension FLEET = new FleetExtension();

  @Test
  void imageAndLabelsAreOverriddenForOneClusterOnly() {
    Fleet fleet = FLEET.fleet();
    String ns = fleet.newNamespace("override");
    fleet.create(
        """
        apiVersion: policy.karmada.io/v1alpha1
        kind: OverridePolicy
        metadata: {name: web-member2, namespace: %1$s}
        spec:
          resourceSelectors: [{apiVersion: apps/v1, kind: Deployment, name: web}]
          overrideRules:
          - targetCluster: {clusterNames: [member2]}
            overriders:
              imageOverrider:
              - {component: Registry, operator: replace, value: mirror.example.com}
              - {component: Tag, operator: replace, value: "1.27"}
              labelsOverrider:
              - {operator: add, value: {e2e.flotilla.dev/overridden: "yes"}}
        ---
        apiVersion: policy.karmada.io/v1alpha1
        kind: PropagationPolicy
        metadata: {name: web, namespace: %1$s}
        spec:
          resourceSelectors: [{apiVersion: apps/v1, kind: Deployment, name: web}]
          placement:
            clusterAffinity: {clusterNames: [member1, member2]}
            replicaScheduling: {replicaSchedulingType: Duplicated}
        ---
        """
                .formatted(ns)
            + Propagation.deployment(ns, "web", 1));

    Deployment overridden =
        Await.until(
            "member2's web carries the override",
            () -> {
              Deployment d =
                  fleet
                      .member("member2")
                      .apps()
                      .deployments()
                      .inNamespace(ns)
                      .withName("web")
                      .get();
              return d != null && image(d).equals("mirror.example.com/nginx:1.27") ? d : null;
            });
    assertEquals("yes", overridden.getMetadata().getLabels().get("e2e.flotilla.dev/overridden"));
    assertEquals(
        "web", overridden.getMetadata().getLabels().get("app"), "template labels are kept");

    Deployment plain =
        Await.until(
            "member1's web",
            () ->
                fleet.member("member1").apps().deployments().inNamespace(ns).withName("web").get());
    assertEquals("nginx:1.25", image(plain));
    assertFalse(
        plain.getMetadata().getLabels().containsKey("e2e.flotilla.dev/overridden"),
        plain.getMetadata().getLabels().toString());
    assertEquals(1, plain.getSpec().getReplicas(), "Duplicated keeps the template's replicas");
  }

  private static String image(Deployment d) {
    return d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
  }
}
