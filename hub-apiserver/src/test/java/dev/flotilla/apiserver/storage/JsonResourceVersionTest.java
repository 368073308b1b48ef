package dev.flotilla.apiserver.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Stamping a revision into stored JSON in place gives what a full parse and write would. */
class JsonResourceVersionTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Test
  void splicesMetadataResourceVersionAndNothingElse() throws Exception {
    // Decoys before metadata: another resourceVersion (an Event's involvedObject), braces and
    // quotes inside strings, arrays, numbers and literals.
    String stored =
        "{\"apiVersion\":\"v1\",\"kind\":\"Event\",\"involvedObject\":{\"kind\":\"Pod\","
            + "\"resourceVersion\":\"0\"},\"note\":\"a \\\"metadata\\\": {\\\"resourceVersion\\\""
            + " } [\",\"list\":[1,{\"a\":[true,null]},-2.5],\"metadata\":{\"name\":\"e\","
            + "\"labels\":{\"resourceVersion\":\"0\"},\"resourceVersion\":\"0\",\"uid\":\"u\"},"
            + "\"data\":{\"k\":\"}\"}}";
    byte[] at = JsonResourceVersion.at(bytes(stored), 1234567);
    ObjectNode expected = (ObjectNode) MAPPER.readTree(stored);
    ((ObjectNode) expected.get("metadata")).put("resourceVersion", "1234567");
    assertArrayEquals(MAPPER.writeValueAsBytes(expected), at);
    assertEquals("0", MAPPER.readTree(at).at("/involvedObject/resourceVersion").asText());
    assertEquals("0", MAPPER.readTree(at).at("/metadata/labels/resourceVersion").asText());
  }

  @Test
  void aLongerOrShorterRevisionKeepsTheBytesAround() throws Exception {
    byte[] at9 = bytes("{\"metadata\":{\"resourceVersion\":\"987654321\",\"name\":\"x\"},\"s\":1}");
    assertEquals(
        "{\"metadata\":{\"resourceVersion\":\"5\",\"name\":\"x\"},\"s\":1}",
        new String(JsonResourceVersion.at(at9, 5), StandardCharsets.UTF_8));
  }

  @Test
  void withoutTheFieldTheTreeAddsIt() throws Exception {
    assertStampedThroughTheTree("{\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\"}}");
  }

  @Test
  void whatIsNotAnObjectOfOursIsReadAsItIs() {
    for (String s : new String[] {"plain text", "[1,2]", "{\"metadata\":", "{\"a\":\"b", ""}) {
      assertArrayEquals(bytes(s), JsonResourceVersion.at(bytes(s), 3), s);
    }
  }

  @Test
  void aResourceVersionThatIsNotAStringGoesTheTreesWay() throws Exception {
    assertStampedThroughTheTree("{\"metadata\":{\"resourceVersion\":12}}");
  }

  private static void assertStampedThroughTheTree(String json) throws Exception {
    byte[] stored = bytes(json);
    assertNull(JsonResourceVersion.splice(stored, 7));
    assertEquals(
        "7",
        MAPPER
            .readTree(JsonResourceVersion.at(stored, 7))
            .at("/metadata/resourceVersion")
            .asText());
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
