package dev.flotilla.policies.conditions;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.flotilla.policies.conditions.Conditions.Condition;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionsTest {
  private static final String T0 = "2026-01-01T00:00:00Z";
  private static final String T1 = "2026-01-01T00:01:00Z";

  @Test
  void keepsTransitionTimeWhileStatusHoldsAndOtherWritersConditions() throws Exception {
    JsonNode existing =
        new ObjectMapper()
            .readTree(
                "[{\"type\":\"Other\",\"status\":\"True\","
                    + "\"reason\":\"X\",\"message\":\"\",\"lastTransitionTime\":\""
                    + T0
                    + "\"},"
                    + "{\"type\":\"Ready\",\"status\":\"True\",\"reason\":\"A\",\"message\":\"old\","
                    + "\"lastTransitionTime\":\""
                    + T0
                    + "\"}]");
    ArrayNode merged =
        Conditions.merge(existing, List.of(new Condition("Ready", "True", "B", "new", 3L)), T1);
    assertEquals(2, merged.size());
    assertEquals("Other", merged.get(0).path("type").asText());
    JsonNode ready = Conditions.find(merged, "Ready");
    assertEquals(T0, ready.path("lastTransitionTime").asText());
    assertEquals("B", ready.path("reason").asText());
    assertEquals(3, ready.path("observedGeneration").asInt());

    ArrayNode flipped =
        Conditions.merge(merged, List.of(new Condition("Ready", "False", "C", "down", null)), T1);
    assertEquals(T1, Conditions.find(flipped, "Ready").path("lastTransitionTime").asText());
  }
}
