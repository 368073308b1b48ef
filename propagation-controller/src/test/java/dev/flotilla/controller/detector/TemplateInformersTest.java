package dev.flotilla.controller.detector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.controller.runtime.Controller;
import dev.flotilla.controller.runtime.Reconciler.Result;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
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
  void aRelistsReplayIsLookedAtButIsNoChangeWhileASpecChangeIs() throws Exception {
    BlockingQueue<String> reconciled = new LinkedBlockingQueue<>();
    try (Controller queue =
        new Controller(
            "detector-test",
            key -> {
              reconciled.add(key);
              return Result.DONE;
            },
            1)) {
      queue.start();
      replayIsNoChange(new TemplateInformers(null, queue), reconciled);
    }
  }

  private static void replayIsNoChange(
      TemplateInformers informers, BlockingQueue<String> reconciled) throws Exception {
    var handler = informers.handler("apps/v1", "Deployment");
    TemplateRef ref = new TemplateRef("apps/v1", "Deployment", null, "web");

    handler.onUpdate(
        deployment("7", Map.of("app", "web"), 3, 3), deployment("7", Map.of("app", "web"), 3, 3));
    assertNull(informers.changeSeen(ref), "a replay of the cached version is no change");
    assertEquals(ref.key(), reconciled.poll(30, TimeUnit.SECONDS), "but it is looked at again");

    handler.onUpdate(
        deployment("7", Map.of("app", "web"), 3, 3), deployment("8", Map.of("app", "web"), 3, 1));
    assertNull(informers.changeSeen(ref), "a status write is no change");

    handler.onUpdate(
        deployment("8", Map.of("app", "web"), 3, 1), deployment("9", Map.of("app", "web"), 4, 1));
    assertEquals("9", informers.changeSeen(ref));
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
