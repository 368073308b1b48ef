package dev.flotilla.controller.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonFirstSerializationTest {
  private final KubernetesSerialization stock = new KubernetesSerialization();
  private final KubernetesSerialization jsonFirst = new JsonFirstSerialization();

  private static final String WORK =
      "{\"apiVersion\":\"work.karmada.io/v1alpha1\",\"kind\":\"Work\",\"metadata\":{\"name\":\"w\","
          + "\"namespace\":\"karmada-es-m1\",\"resourceVersion\":\"7\",\"labels\":{\"a\":\"b\"}},"
          + "\"spec\":{\"workload\":{\"manifests\":[{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
          + "\"metadata\":{\"name\":\"c\"},\"data\":{\"k\":\"v\"}}]}}}";

  private static InputStream unmarkable(String s) {
    return new FilterInputStream(new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8))) {
      @Override
      public boolean markSupported() {
        return false;
      }
    };
  }

  @Test
  void jsonHeldInMemoryDecodesAsFabric8DecodesIt() {
    for (String body : List.of(WORK, "  \n\t" + WORK)) {
      HasMetadata expected = stock.unmarshal(body);
      HasMetadata got = jsonFirst.unmarshal(body);
      assertEquals(GenericKubernetesResource.class, got.getClass());
      assertEquals(expected, got);
      assertEquals(
          stock.unmarshal(body, GenericKubernetesResource.class),
          jsonFirst.unmarshal(body, GenericKubernetesResource.class));
    }
  }

  @Test
  void typedObjectsAndListsDecodeAsBefore() {
    String cm =
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\"},"
            + "\"data\":{\"k\":\"v\"}}";
    assertEquals(stock.unmarshal(cm, ConfigMap.class), jsonFirst.unmarshal(cm, ConfigMap.class));
    String list = "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[" + cm + "," + WORK + "]}";
    KubernetesResourceList<?> expected = stock.unmarshal(list);
    KubernetesResourceList<?> got = jsonFirst.unmarshal(list);
    assertEquals(expected.getItems(), got.getItems());
  }

  @Test
  void yamlAndUnmarkableStreamsTakeFabric8sWay() {
    String yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  k: v\n";
    HasMetadata expected = stock.unmarshal(yaml);
    HasMetadata got = jsonFirst.unmarshal(yaml);
    assertEquals(expected, got);
    assertEquals(
        stock.unmarshal(unmarkable(WORK), GenericKubernetesResource.class),
        jsonFirst.unmarshal(unmarkable(WORK), GenericKubernetesResource.class));
  }

  @Test
  void malformedJsonFailsAsFabric8Fails() {
    String bad = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":";
    KubernetesClientException expected =
        assertThrows(KubernetesClientException.class, () -> stock.unmarshal(bad));
    KubernetesClientException got =
        assertThrows(KubernetesClientException.class, () -> jsonFirst.unmarshal(bad));
    assertEquals(expected.getCause().getClass(), got.getCause().getClass());
  }
}
