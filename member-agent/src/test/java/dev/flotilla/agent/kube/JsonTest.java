package dev.flotilla.agent.kube;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** A status built in code equals the same status read back, so it is not written again. */
class JsonTest {
  @Test
  void numbersCompareByValueWhateverTheirNodeType() throws Exception {
    ObjectNode built = Json.object();
    built.putArray("conditions").addObject().put("type", "Applied").put("observedGeneration", 3L);
    JsonNode read =
        Json.MAPPER.readTree("{\"conditions\":[{\"type\":\"Applied\",\"observedGeneration\":3}]}");
    assertNotEquals(built, read, "Jackson's equals tells a long from an int");
    assertTrue(Json.same(built, read));
  }

  @Test
  void differentValuesAndMissingTreesDiffer() throws Exception {
    JsonNode three = Json.MAPPER.readTree("{\"n\":3,\"s\":\"x\"}");
    assertFalse(Json.same(three, Json.MAPPER.readTree("{\"n\":4,\"s\":\"x\"}")));
    assertFalse(Json.same(three, Json.MAPPER.readTree("{\"n\":3,\"s\":\"y\"}")));
    assertFalse(Json.same(three, Json.MAPPER.readTree("{\"n\":3}")));
    assertFalse(Json.same(three, null));
    assertTrue(Json.same(null, null));
  }
}
