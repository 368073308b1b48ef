package dev.flotilla.apiserver.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Duplicate keys in request bodies: found with their paths, last value kept. */
class DuplicateFieldsTest {
  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void jsonDuplicatesAreFoundAtEveryDepth() {
    var found =
        DuplicateFields.scan(
                bytes(
                    "{\"spec\":{\"replicas\":1,\"replicas\":3,"
                        + "\"template\":{\"spec\":{\"containers\":[{\"name\":\"a\",\"name\":\"b\"}]}}},"
                        + "\"kind\":\"Deployment\",\"kind\":\"Deployment\"}"),
                false)
            .orElseThrow();
    assertEquals(
        List.of("spec.replicas", "spec.template.spec.containers[0].name", "kind"), found.paths());
    assertEquals(3, found.tree().at("/spec/replicas").asInt());
    assertEquals("b", found.tree().at("/spec/template/spec/containers/0/name").asText());
  }

  @Test
  void yamlDuplicatesToo() {
    var found =
        DuplicateFields.scan(bytes("metadata:\n  name: a\n  name: b\ndata:\n  x: 1.5\n"), true)
            .orElseThrow();
    assertEquals(List.of("metadata.name"), found.paths());
    assertEquals(1.5, found.tree().at("/data/x").asDouble());
  }

  @Test
  void cleanOrBrokenBodiesAreLeftAlone() {
    assertTrue(DuplicateFields.scan(bytes("{\"a\":{\"a\":1}}"), false).isEmpty());
    assertTrue(DuplicateFields.scan(bytes("{\"a\":"), false).isEmpty());
    assertTrue(DuplicateFields.scan(bytes(""), false).isEmpty());
  }

  @Test
  void theQuickPassAgreesWithTheFullScan() {
    // Sibling objects may share keys; a duplicate deep in an array is still found.
    assertTrue(
        DuplicateFields.scan(bytes("{\"items\":[{\"a\":1},{\"a\":2}],\"a\":3}"), false).isEmpty());
    assertEquals(
        List.of("items[1].a"),
        DuplicateFields.scan(bytes("{\"items\":[{\"a\":1},{\"a\":2,\"a\":4}]}"), false)
            .orElseThrow()
            .paths());
    // A duplicate then broken JSON, or trailing content: the handler reports the body instead.
    assertTrue(DuplicateFields.scan(bytes("{\"a\":1,\"a\":2,"), false).isEmpty());
    assertTrue(DuplicateFields.scan(bytes("{\"a\":1,\"a\":2} {}"), false).isEmpty());
  }
}
