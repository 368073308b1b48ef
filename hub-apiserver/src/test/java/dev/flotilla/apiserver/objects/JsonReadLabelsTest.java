package dev.flotilla.apiserver.objects;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@link Json#readLabels} reads metadata.labels wherever they stand, and nothing else. */
class JsonReadLabelsTest {
  private static String labels(String json) {
    return Json.readLabels(json.getBytes(StandardCharsets.UTF_8)).toString();
  }

  @Test
  void readsTheObjectsOwnLabelsNotThoseOfATemplateInside() {
    assertEquals(
        "{\"metadata\":{\"labels\":{\"app\":\"web\"}}}",
        labels(
            "{\"spec\":{\"template\":{\"metadata\":{\"labels\":{\"app\":\"pod\"}}}},"
                + "\"metadata\":{\"name\":\"w\",\"managedFields\":[{\"f\":{\"labels\":1}}],"
                + "\"labels\":{\"app\":\"web\"}}}"));
  }

  @Test
  void labelsBeforeTheRestOfMetadata() {
    assertEquals(
        "{\"metadata\":{\"labels\":{\"a\":\"1\",\"b\":\"2\"}}}",
        labels(
            "{\"apiVersion\":\"v1\",\"metadata\":{\"labels\":{\"a\":\"1\",\"b\":\"2\"},"
                + "\"managedFields\":[]},\"data\":{\"labels\":\"x\"}}"));
  }

  @Test
  void noLabelsNoMetadata() {
    assertEquals("{\"metadata\":{}}", labels("{\"metadata\":{\"name\":\"n\"},\"data\":{}}"));
    assertEquals("{\"metadata\":{}}", labels("{\"kind\":\"ConfigMap\"}"));
  }
}
