package dev.flotilla.policies.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.policies.Yaml;
import org.junit.jupiter.api.Test;

class BindingsTest {
  private static final JsonNode SPEC =
      Yaml.node("{clusters: [{name: m1, replicas: 2}, {name: m2}, {name: m1, replicas: 5}]}");

  @Test
  void indexedTargetsAnswerAsTheScanDoes() {
    for (boolean indexed : new boolean[] {false, true}) {
      Runnable checks =
          () -> {
            assertTrue(Bindings.targetContains(SPEC, "m1"));
            assertTrue(Bindings.targetContains(SPEC, "m2"));
            assertFalse(Bindings.targetContains(SPEC, "m3"));
            assertEquals(2, Bindings.assignedReplicas(SPEC, "m1"), "the first entry wins");
            assertEquals(0, Bindings.assignedReplicas(SPEC, "m2"));
            assertEquals(0, Bindings.assignedReplicas(SPEC, "m3"));
          };
      if (indexed) {
        Bindings.withTargetsIndexed(
            SPEC,
            () -> {
              checks.run();
              return null;
            });
      } else {
        checks.run();
      }
    }
  }

  @Test
  void anotherSpecIsNeverAnsweredFromTheIndexInScope() {
    JsonNode other = Yaml.node("{clusters: [{name: m3, replicas: 1}]}");
    Bindings.withTargetsIndexed(
        SPEC,
        () -> {
          assertTrue(Bindings.targetContains(other, "m3"));
          assertFalse(Bindings.targetContains(other, "m1"));
          assertEquals(1, Bindings.assignedReplicas(other, "m3"));
          assertEquals(0, Bindings.assignedReplicas(Yaml.node("{}"), "m1"));
          return null;
        });
    assertFalse(Bindings.targetContains(other, "m1"), "the index is gone after its scope");
  }
}
