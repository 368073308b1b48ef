package dev.flotilla.policies.jsonpatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonPatchTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String DOC = "{\"a\":{\"b\":1},\"list\":[1,2,3],\"s\":\"x\"}";

  private static JsonNode json(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  @Test
  void appliesEveryOperationAndLeavesTheInputAlone() {
    JsonNode doc = json(DOC);
    JsonNode result =
        JsonPatch.apply(
            doc,
            json(
                "[{\"op\":\"add\",\"path\":\"/a/c\",\"value\":2},"
                    + "{\"op\":\"remove\",\"path\":\"/list/0\"},"
                    + "{\"op\":\"replace\",\"path\":\"/s\",\"value\":\"y\"},"
                    + "{\"op\":\"copy\",\"from\":\"/a/b\",\"path\":\"/list/-\"},"
                    + "{\"op\":\"move\",\"from\":\"/a/c\",\"path\":\"/c\"},"
                    + "{\"op\":\"test\",\"path\":\"/c\",\"value\":2}]"));
    assertEquals(json("{\"a\":{\"b\":1},\"list\":[2,3,1],\"s\":\"y\",\"c\":2}"), result);
    assertEquals(json(DOC), doc);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{}                                              | a JSON array",
        "[1]                                             | operation 0: each operation must be",
        "[{\"op\":\"frob\",\"path\":\"/s\"}]             | \"op\" must be one of",
        "[{\"op\":\"add\",\"value\":1}]                  | operation 0 (add): \"path\" must be",
        "[{\"op\":\"add\",\"path\":\"s\",\"value\":1}]   | start it with \"/\"",
        "[{\"op\":\"add\",\"path\":\"/a~2\",\"value\":1}] | write \"~\" as \"~0\"",
        "[{\"op\":\"replace\",\"path\":\"/s\"}]          | a replace needs a \"value\"",
        "[{\"op\":\"move\",\"path\":\"/s\"}]             | \"from\" must be a string"
      })
  void malformedPatchesAreToldApart(String patch, String message) {
    JsonPatchException e =
        assertThrows(JsonPatchException.class, () -> JsonPatch.apply(json(DOC), json(patch)));
    assertTrue(e.malformed(), e.getMessage());
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "[{\"op\":\"test\",\"path\":\"/s\",\"value\":\"y\"}]  | operation 0 (test /s)"
            + " | differs from expectations",
        "[{\"op\":\"remove\",\"path\":\"/a/x\"}]              | operation 0 (remove /a/x)"
            + " | no such path",
        "[{\"op\":\"replace\",\"path\":\"/a/x\",\"value\":1}] | operation 0 (replace /a/x)"
            + " | no such path",
        "[{\"op\":\"add\",\"path\":\"/x/y\",\"value\":1}]     | operation 0 (add /x/y)"
            + " | no such path",
        "[{\"op\":\"add\",\"path\":\"/list/9\",\"value\":1}]  | operation 0 (add /list/9)"
            + " | no such path",
        "[{\"op\":\"add\",\"path\":\"/list/x\",\"value\":1}]  | operation 0 (add /list/x)"
            + " | not an index",
        "[{\"op\":\"add\",\"path\":\"/s/x\",\"value\":1}]     | operation 0 (add /s/x)"
            + " | no such path",
        "[{\"op\":\"remove\",\"path\":\"\"}]                  | operation 0 (remove )"
            + " | cannot remove document root"
      })
  void failuresNameTheOperation(String patch, String operation, String reason) {
    JsonPatchException e =
        assertThrows(JsonPatchException.class, () -> JsonPatch.apply(json(DOC), json(patch)));
    assertFalse(e.malformed(), e.getMessage());
    assertTrue(e.getMessage().startsWith(operation + ": "), e.getMessage());
    assertTrue(e.reason().contains(reason), e.getMessage());
  }

  @Test
  void theStepSeesEachResultAndCanStopThePatch() {
    List<String> seen = new ArrayList<>();
    JsonNode patch =
        json(
            "[{\"op\":\"add\",\"path\":\"/n\",\"value\":1},"
                + "{\"op\":\"add\",\"path\":\"/m\",\"value\":2},"
                + "{\"op\":\"add\",\"path\":\"/o\",\"value\":3}]");
    IllegalStateException stop =
        assertThrows(
            IllegalStateException.class,
            () ->
                JsonPatch.apply(
                    json("{}"),
                    patch,
                    (i, op, doc) -> {
                      seen.add(i + " " + doc);
                      if (i == 1) {
                        throw new IllegalStateException("stop");
                      }
                    }));
    assertEquals("stop", stop.getMessage());
    assertEquals(List.of("0 {\"n\":1}", "1 {\"n\":1,\"m\":2}"), seen);
  }
}
