package dev.flotilla.controller.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CompactItemStoreTest {
  private static GenericKubernetesResource work(String rv, String phase) {
    GenericKubernetesResource w = new GenericKubernetesResource();
    w.setApiVersion("work.karmada.io/v1alpha1");
    w.setKind("Work");
    w.setMetadata(
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
            .withNamespace("karmada-es-m1")
            .withName("w")
            .withResourceVersion(rv)
            .build());
    w.setAdditionalProperty("status", Map.of("phase", phase));
    return w;
  }

  @Test
  void aViewIsMadeOncePerStoredVersionAndAfreshForTheNext() {
    CompactItemStore store = new CompactItemStore();
    AtomicInteger made = new AtomicInteger();
    java.util.function.Function<com.fasterxml.jackson.databind.JsonNode, String> phase =
        tree -> {
          made.incrementAndGet();
          return tree.path("status").path("phase").asText();
        };
    store.put("karmada-es-m1/w", work("1", "Pending"));
    String first = store.view("karmada-es-m1/w", phase);
    assertEquals("Pending", first);
    assertSame(first, store.view("karmada-es-m1/w", phase));
    assertEquals(1, made.get(), "the same version is parsed once");

    store.put("karmada-es-m1/w", work("2", "Applied"));
    assertEquals("Applied", store.view("karmada-es-m1/w", phase));
    assertEquals(2, made.get());

    store.remove("karmada-es-m1/w");
    assertNull(store.view("karmada-es-m1/w", phase));
  }
}
