package dev.flotilla.controller.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OwnWritesTest {
  private static GenericKubernetesResource binding(String rv, String cluster) {
    GenericKubernetesResource b = new GenericKubernetesResource();
    b.setApiVersion("work.karmada.io/v1alpha2");
    b.setKind("ResourceBinding");
    b.setMetadata(
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
            .withName("web-deployment")
            .withNamespace("default")
            .withResourceVersion(rv)
            .withLabels(Map.of("karmada.io/managed", "true"))
            .withManagedFields(
                new ManagedFieldsEntryBuilder()
                    .withManager("scheduler")
                    .withOperation("Update")
                    .build())
            .build());
    b.setAdditionalProperty("spec", Map.of("clusters", List.of(Map.of("name", cluster))));
    return b;
  }

  @Test
  void aWriteNewerThanTheCacheComesBackWholeWithoutManagedFields() {
    OwnWrites writes = new OwnWrites();
    GenericKubernetesResource written = binding("12", "member2");
    writes.wrote("default/web-deployment", written);

    GenericKubernetesResource got = writes.newest("default/web-deployment", binding("10", "m1"));

    assertNotSame(written, got);
    assertEquals("12", got.getMetadata().getResourceVersion());
    assertEquals(Map.of("karmada.io/managed", "true"), got.getMetadata().getLabels());
    assertEquals(written.getAdditionalProperties().get("spec"), got.get("spec"));
    assertEquals(List.of(), got.getMetadata().getManagedFields());
    // The caller's object is untouched: it may still use it.
    assertEquals(1, written.getMetadata().getManagedFields().size());
  }

  @Test
  void theCacheCatchingUpForgetsTheWrite() {
    OwnWrites writes = new OwnWrites();
    writes.wrote("k", binding("12", "member2"));
    GenericKubernetesResource cached = binding("12", "member2");

    assertSame(cached, writes.newest("k", cached));
    assertEquals(0, writes.size());
    assertNull(writes.newest("other", null));
  }

  @Test
  void anOlderWriteNeverReplacesANewerOne() {
    OwnWrites writes = new OwnWrites();
    writes.wrote("k", binding("20", "member3"));
    writes.wrote("k", binding("15", "member1"));

    GenericKubernetesResource got = writes.newest("k", binding("5", "member0"));

    assertEquals("20", got.getMetadata().getResourceVersion());
  }
}
