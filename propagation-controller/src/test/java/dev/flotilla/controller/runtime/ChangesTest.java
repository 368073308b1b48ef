package dev.flotilla.controller.runtime;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChangesTest {
  private static GenericKubernetesResource cluster(
      String rv, String ready, Object apis, int available) {
    GenericKubernetesResource c = new GenericKubernetesResource();
    c.setApiVersion("cluster.karmada.io/v1alpha1");
    c.setKind("Cluster");
    c.setMetadata(
        new ObjectMetaBuilder().withName("m1").withResourceVersion(rv).withGeneration(1L).build());
    c.setAdditionalProperty(
        "status",
        Map.of(
            "conditions", List.of(Map.of("type", "Ready", "status", ready, "reason", "x")),
            "apiEnablements", apis,
            "resourceSummary", Map.of("allocatable", Map.of("pods", available))));
    return c;
  }

  @Test
  void summaryRewritesDoNotMatterToPlacement() {
    assertFalse(
        Changes.placementRelevant(
            cluster("1", "True", List.of("apps/v1"), 10),
            cluster("2", "True", List.of("apps/v1"), 9)));
  }

  @Test
  void readinessAndApiEnablementsDo() {
    assertTrue(
        Changes.placementRelevant(
            cluster("1", "True", List.of("apps/v1"), 10),
            cluster("2", "False", List.of("apps/v1"), 10)));
    assertTrue(
        Changes.placementRelevant(
            cluster("1", "True", List.of("apps/v1"), 10),
            cluster("2", "True", List.of("apps/v1", "batch/v1"), 10)));
  }
}
