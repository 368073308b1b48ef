package dev.flotilla.controller.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The decode guard without a server: a list with one malformed binding decodes on a guarded client
 * (where a plain fabric8 client fails the whole list), the bad item is marked and reported, and an
 * informer store built on it hides the bad item from every read.
 */
class DecodeGuardTest {
  private static final String LIST =
      """
      {"apiVersion":"work.karmada.io/v1alpha2","kind":"ResourceBindingList",
       "metadata":{"resourceVersion":"12"},
       "items":[
        {"apiVersion":"work.karmada.io/v1alpha2","kind":"ResourceBinding",
         "metadata":{"name":"good","namespace":"default","resourceVersion":"3"},"spec":{"a":1}},
        {"apiVersion":"work.karmada.io/v1alpha2","kind":"ResourceBinding",
         "metadata":{"name":"bad","namespace":"default","resourceVersion":"4",
                     "ownerReferences":"x","labels":{"keep":"me"}},"spec":{"a":2}},
        {"apiVersion":"work.karmada.io/v1alpha2","kind":"ResourceBinding",
         "metadata":{"name":"also-good","namespace":"default","resourceVersion":"5",
                     "ownerReferences":[{"apiVersion":"v1","kind":"ConfigMap","name":"c","uid":"u"}]}}
       ]}
      """;

  private static KubernetesClient plain() {
    return new KubernetesClientBuilder()
        .withConfig(new ConfigBuilder().withMasterUrl("https://127.0.0.1:1").build())
        .build();
  }

  @Test
  void aPlainClientFailsTheWholeList() {
    try (KubernetesClient client = plain()) {
      assertThrows(
          RuntimeException.class,
          () ->
              client
                  .getKubernetesSerialization()
                  .unmarshal(LIST, GenericKubernetesResourceList.class));
    }
  }

  @Test
  void aGuardedClientDecodesTheListMarksAndReportsTheBadItem() {
    List<HasMetadata> reported = new ArrayList<>();
    try (KubernetesClient base = plain();
        KubernetesClient guarded = DecodeGuard.client(base, reported::add)) {
      GenericKubernetesResourceList list =
          guarded.getKubernetesSerialization().unmarshal(LIST, GenericKubernetesResourceList.class);
      List<GenericKubernetesResource> items = list.getItems();
      assertEquals(3, items.size());
      assertEquals("12", list.getMetadata().getResourceVersion());
      assertTrue(DecodeGuard.decoded(items.get(0)));
      assertTrue(DecodeGuard.decoded(items.get(2)));
      assertEquals("c", items.get(2).getMetadata().getOwnerReferences().get(0).getName());
      GenericKubernetesResource bad = items.get(1);
      assertFalse(DecodeGuard.decoded(bad));
      assertTrue(DecodeGuard.problem(bad).orElseThrow().startsWith("ownerReferences: "));
      assertEquals("bad", bad.getMetadata().getName());
      assertEquals("me", bad.getMetadata().getLabels().get("keep"));
      assertEquals(List.of("bad"), reported.stream().map(o -> o.getMetadata().getName()).toList());

      SkippingItemStore<GenericKubernetesResource> store = new SkippingItemStore<>();
      for (GenericKubernetesResource i : items) {
        assertNull(store.put(store.getKey(i), i));
      }
      assertNull(store.get("default/bad"), "a bad object is never read back");
      assertEquals(List.of("default/also-good", "default/good"), store.keySet().sorted().toList());
      assertEquals(2, store.size());
      // Its deletion still reaches the informer: remove returns what was held.
      assertEquals(bad, store.remove("default/bad"));
      // A repaired version shows again, and the informer learns the old one was the bad one.
      GenericKubernetesResource fixed = items.get(0).toBuilder().build();
      fixed.getMetadata().setName("bad");
      assertNull(store.put("default/bad", bad));
      assertEquals(bad, store.put("default/bad", fixed));
      assertEquals(fixed, store.get("default/bad"));
    }
  }
}
