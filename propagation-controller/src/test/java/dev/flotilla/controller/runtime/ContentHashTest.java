package dev.flotilla.controller.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContentHashTest {
  private static JsonNode json(String s) throws Exception {
    return Trees.MAPPER.readTree(s);
  }

  @Test
  void equalWhereTreesSameSaysEqual() throws Exception {
    JsonNode a = json("{\"a\": 3, \"b\": [1.0, \"x\", null, true], \"c\": {\"d\": 2.50}}");
    JsonNode b = json("{\"c\": {\"d\": 2.5}, \"b\": [1, \"x\", null, true], \"a\": 3.0}");
    assertEquals(true, Trees.same(a, b));
    assertEquals(ContentHash.of(a), ContentHash.of(b));
  }

  @Test
  void aTreeAndTheSameValueDecodedHashAlike() throws Exception {
    Map<String, Object> decoded = new LinkedHashMap<>();
    decoded.put("replicas", 3L);
    decoded.put("ratio", 0.5d);
    decoded.put("items", List.of("a", Map.of("b", 1)));
    decoded.put("none", null);
    JsonNode tree =
        json("{\"none\": null, \"items\": [\"a\", {\"b\": 1}], \"ratio\": 0.50, \"replicas\": 3}");
    assertEquals(ContentHash.of(tree), ContentHash.ofPlain(decoded));
  }

  @Test
  void anyDifferenceChangesTheHash() throws Exception {
    JsonNode base = json("{\"a\": {\"b\": \"1\"}, \"l\": [1, 2]}");
    for (String other :
        List.of(
            "{\"a\": {\"b\": 1}, \"l\": [1, 2]}", // a string is not a number
            "{\"a\": {\"b\": \"1\"}, \"l\": [2, 1]}", // order of arrays counts
            "{\"a\": {\"b\": \"1\", \"c\": null}, \"l\": [1, 2]}", // null is not missing
            "{\"a\": {\"b\": \"1\"}, \"l\": [1, 2], \"m\": {}}",
            "{\"a\": {\"bb\": \"1\"}, \"l\": [1, 2]}",
            "{\"a\": [{\"b\": \"1\"}], \"l\": [1, 2]}")) {
      assertNotEquals(ContentHash.of(base), ContentHash.of(json(other)), other);
    }
    assertNotEquals(
        ContentHash.ofEntry('l', "ab", "c"),
        ContentHash.ofEntry('l', "a", "bc"),
        "pairs are split");
    assertNotEquals(ContentHash.ofEntry('l', "a", "b"), ContentHash.ofEntry('a', "a", "b"));
  }
}
