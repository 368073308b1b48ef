package dev.flotilla.apiserver.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TableJsonPathTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String DOC =
      """
      {"metadata": {"name": "m1", "labels": {"app.kubernetes.io/name": "web", "tier": "front"},
                    "creationTimestamp": "2024-05-01T10:00:00Z"},
       "spec": {"syncMode": "Pull", "zones": ["a", "b", "c"], "replicas": 3, "ratio": 0.5,
                "enabled": true, "nothing": null,
                "ports": [{"name": "http", "port": 80}, {"name": "https", "port": 443}]},
       "status": {"conditions": [
           {"type": "Ready", "status": "True", "reason": "Up"},
           {"type": "Synced", "status": "False"}]}}
      """;

  private static JsonNode doc() throws Exception {
    return JSON.readTree(DOC);
  }

  /** Results printed with Go's JSONPath printer, joined by "|". */
  private static String eval(String path) throws Exception {
    List<String> out = new ArrayList<>();
    for (JsonNode n : JsonPath.compile(path).find(doc())) {
      out.add(GoText.print(n));
    }
    return String.join("|", out);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '#',
      value = {
        ".spec.syncMode                              # Pull",
        "{.spec.syncMode}                            # Pull",
        ".metadata.name                              # m1",
        ".spec.zones                                 # [\"a\",\"b\",\"c\"]",
        ".spec.zones[0]                              # a",
        ".spec.zones[-1]                             # c",
        ".spec.zones[1:]                             # b|c",
        ".spec.zones[0:3:2]                          # a|c",
        ".spec.zones[*]                              # a|b|c",
        ".spec.zones[0,2]                            # a|c",
        ".spec.ports[*].port                         # 80|443",
        ".spec.ports[?(@.name==\"https\")].port      # 443",
        ".spec.ports[?(@.port>100)].name             # https",
        ".spec.ports[?(@.port<=80)].name             # http",
        ".spec.ports[?(@.name!='http')].name         # https",
        ".status.conditions[?(@.type==\"Ready\")].status  # True",
        ".status.conditions[?(@.type=='Synced')].status   # False",
        ".status.conditions[?(@.reason)].type        # Ready",
        ".metadata.labels.app\\.kubernetes\\.io/name # web",
        ".metadata.labels['tier']                    # front",
        ".spec.replicas                              # 3",
        ".spec.ratio                                 # 0.5",
        ".spec.enabled                               # true",
        ".spec.nothing                               # <no value>",
        "..port                                      # 80|443",
        ".spec.ports[0]                              # {\"name\":\"http\",\"port\":80}",
      })
  void evaluates(String path, String expected) throws Exception {
    assertEquals(expected, eval(path.trim()));
  }

  @ParameterizedTest(name = "{0} finds nothing")
  @CsvSource({
    ".spec.missing",
    ".spec.missing.deeper",
    ".status.conditions[?(@.type==\"Gone\")].status",
    ".spec.syncMode.deeper",
    ".spec.nothing.deeper",
  })
  void missingKeysYieldNothing(String path) throws Exception {
    assertTrue(JsonPath.compile(path).find(doc()).isEmpty());
  }

  @Test
  void upstreamErrorsAreErrors() throws Exception {
    JsonNode d = doc();
    // Indexing past the end and indexing a map are errors in client-go; callers print nothing.
    assertThrows(
        JsonPath.JsonPathException.class, () -> JsonPath.compile(".spec.zones[5]").find(d));
    assertThrows(JsonPath.JsonPathException.class, () -> JsonPath.compile(".spec[0]").find(d));
    assertThrows(
        JsonPath.JsonPathException.class, () -> JsonPath.compile(".spec[?(@.x==1)]").find(d));
    assertThrows(JsonPath.JsonPathException.class, () -> JsonPath.compile(".spec.zones[").find(d));
    assertThrows(JsonPath.JsonPathException.class, () -> JsonPath.compile(".a[?(@.x===1)]"));
  }

  @Test
  void emptyArraySliceIsEmptyNotAnError() throws Exception {
    JsonNode d = JSON.readTree("{\"a\": []}");
    assertTrue(JsonPath.compile(".a[*]").find(d).isEmpty());
    assertThrows(JsonPath.JsonPathException.class, () -> JsonPath.compile(".a[0]").find(d));
  }

  @Test
  void firstResult() throws Exception {
    assertEquals("a", JsonPath.compile(".spec.zones[*]").first(doc()).asText());
    assertEquals(null, JsonPath.compile(".spec.none").first(doc()));
  }

  @Test
  void goTextMatchesGo() throws Exception {
    assertEquals("1e+06", GoText.formatG(1_000_000.0));
    assertEquals("123456", GoText.formatG(123_456.0));
    assertEquals("1.5", GoText.formatG(1.5));
    assertEquals("1e-05", GoText.formatG(0.00001));
    assertEquals("0.0001", GoText.formatG(0.0001));
    assertEquals("1e+21", GoText.jsonFloat(1e21));
    assertEquals("1000000", GoText.jsonFloat(1e6));
    assertEquals("1e-7", GoText.jsonFloat(1e-7));
    assertEquals(
        "{\"a\":1,\"b\":\"\\u003cx\\u003e\"}",
        GoText.json(JSON.readTree("{\"b\":\"<x>\",\"a\":1}")));
  }
}
