package dev.flotilla.apiserver.objects;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link Json#readFields}: the named top-level fields of a stored object, exactly as stored. */
class JsonReadFieldsTest {
  private static byte[] bytes(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void keepsOnlyTheNamedFieldsWithTheirWholeSubtrees() {
    String work =
        """
        {"apiVersion":"work.karmada.io/v1alpha1","kind":"Work",
         "metadata":{"name":"w","uid":"u1","ownerReferences":[{"uid":"o1"},{"uid":"o2"}],
                     "deletionTimestamp":"2026-12-06T00:00:00Z"},
         "spec":{"workload":{"manifests":[{"kind":"ConfigMap","data":{"a":"b"}}]}},
         "status":{"conditions":[]}}
        """;
    assertEquals(
        Json.read(bytes(work)).path("metadata"),
        Json.readFields(bytes(work), Set.of("metadata")).path("metadata"));
    assertEquals(Set.of("metadata"), fieldNames(Json.readFields(bytes(work), Set.of("metadata"))));
  }

  @Test
  void aFieldAfterNestedOnesIsFoundAndAbsentOnesAreLeftOut() {
    String event =
        """
        {"metadata":{"name":"e","creationTimestamp":"2026-12-06T00:00:00Z"},
         "involvedObject":{"kind":"Pod","nested":{"deep":[1,[2,{"x":3}]]}},
         "series":{"count":3,"lastObservedTime":"2026-12-06T00:01:00Z"},
         "lastTimestamp":"2026-12-06T00:02:00Z"}
        """;
    var read =
        Json.readFields(bytes(event), Set.of("metadata", "lastTimestamp", "series", "eventTime"));
    assertEquals(Set.of("metadata", "lastTimestamp", "series"), fieldNames(read));
    assertEquals("2026-12-06T00:02:00Z", read.path("lastTimestamp").asText());
    assertEquals("2026-12-06T00:01:00Z", read.path("series").path("lastObservedTime").asText());
  }

  @Test
  void aValueThatIsNoObjectIsRefused() {
    assertThrows(IllegalStateException.class, () -> Json.readFields(bytes("[1]"), Set.of("a")));
  }

  private static Set<String> fieldNames(com.fasterxml.jackson.databind.node.ObjectNode node) {
    Set<String> names = new java.util.HashSet<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
