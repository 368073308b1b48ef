package dev.flotilla.controller.detector;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplateInformersTest {
  private static GenericKubernetesResource deployment(
      String rv, Map<String, String> labels, int replicas, int ready) {
    GenericKubernetesResource d = new GenericKubernetesResource();
    d.setApiVersion("apps/v1");
    d.setKind("Deployment");
    d.setMetadata(
        new ObjectMetaBuilder().withName("web").withResourceVersion(rv).withLabels(labels).build());
    d.setAdditionalProperty("spec", Map.of("replicas", replicas));
    d.setAdditionalProperty("status", Map.of("readyReplicas", ready));
    return d;
  }

  @Test
  void aggregatedStatusWritesAreStatusOnly() {
    assertTrue(
        TemplateInformers.statusOnly(
            deployment("1", Map.of("app", "web"), 3, 1),
            deployment("2", Map.of("app", "web"), 3, 3)));
  }

  @Test
  void specLabelAndResyncChangesAreNot() {
    assertFalse(
        TemplateInformers.statusOnly(
            deployment("1", Map.of("app", "web"), 3, 1),
            deployment("2", Map.of("app", "web"), 4, 1)));
    assertFalse(
        TemplateInformers.statusOnly(
            deployment("1", Map.of("app", "web"), 3, 1),
            deployment("2", Map.of("app", "api"), 3, 1)));
    assertFalse(
        TemplateInformers.statusOnly(
            deployment("1", Map.of("app", "web"), 3, 1),
            deployment("1", Map.of("app", "web"), 3, 1)));
  }

  @Test
  void numbersCompareByValueAsTheCacheAndTheWatchDecodeThemApart() {
    GenericKubernetesResource cached = deployment("1", Map.of("app", "web"), 3, 1);
    GenericKubernetesResource watched = deployment("2", Map.of("app", "web"), 3, 3);
    watched.setAdditionalProperty("spec", Map.of("replicas", 3L));
    assertTrue(TemplateInformers.statusOnly(cached, watched));
    watched.setAdditionalProperty("spec", Map.of("replicas", 4L));
    assertFalse(TemplateInformers.statusOnly(cached, watched));
  }
}
