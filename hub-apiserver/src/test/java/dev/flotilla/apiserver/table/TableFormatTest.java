package dev.flotilla.apiserver.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flotilla.apiserver.objects.ApiException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TableFormatTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String KUBECTL_ACCEPT =
      "application/json;as=Table;v=v1;g=meta.k8s.io,"
          + "application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

  @ParameterizedTest(name = "[{index}] {0} -> {1}")
  @CsvSource(
      delimiter = '|',
      nullValues = "NULL",
      value = {
        KUBECTL_ACCEPT + "                                                   | v1",
        "application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json | v1beta1",
        "application/json;g=meta.k8s.io;v=v1;as=Table                         | v1",
        "application/json; as=Table; v=v1; g=meta.k8s.io                      | v1",
        "application/json                                                     | NULL",
        "*/*                                                                  | NULL",
        "application/vnd.kubernetes.protobuf,application/json                 | NULL",
        "application/json;as=Table;v=v2;g=meta.k8s.io,application/json        | NULL",
        "application/json;as=Table;v=v1;g=other.io                            | NULL",
        "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1;g=meta.k8s.io | v1",
        "application/json;q=0.5,application/json;as=Table;v=v1;g=meta.k8s.io  | v1",
        "application/json,application/json;as=Table;v=v1;g=meta.k8s.io        | NULL",
        "application/json;as=Table;v=v1;g=meta.k8s.io;q=0                     | NULL",
      })
  void negotiatesTheFirstAcceptableOption(String accept, String version) {
    TableFormat f = TableFormat.negotiate(accept, null);
    if (version == null) {
      assertNull(f);
    } else {
      assertNotNull(f);
      assertEquals("meta.k8s.io/" + version, f.apiVersion());
      assertEquals("application/json;as=Table;v=" + version + ";g=meta.k8s.io", f.contentType());
    }
  }

  @Test
  void noAcceptHeaderMeansPlainJson() {
    assertNull(TableFormat.negotiate(null, null));
    assertNull(TableFormat.negotiate("", "Object"));
  }

  @Test
  void includeObject() {
    assertEquals(
        TableFormat.IncludeObject.METADATA, TableFormat.negotiate(KUBECTL_ACCEPT, null).include());
    assertEquals(
        TableFormat.IncludeObject.METADATA,
        TableFormat.negotiate(KUBECTL_ACCEPT, "Metadata").include());
    assertEquals(
        TableFormat.IncludeObject.OBJECT,
        TableFormat.negotiate(KUBECTL_ACCEPT, "Object").include());
    assertEquals(
        TableFormat.IncludeObject.NONE, TableFormat.negotiate(KUBECTL_ACCEPT, "None").include());
    ApiException e =
        assertThrows(ApiException.class, () -> TableFormat.negotiate(KUBECTL_ACCEPT, "Everything"));
    assertEquals(400, e.code());
    // Not a Table request: includeObject is ignored, as upstream ignores it.
    assertNull(TableFormat.negotiate("application/json", "Everything"));
  }

  private static final String POD =
      """
      {"apiVersion": "v1", "kind": "Pod",
       "metadata": {"name": "p1", "namespace": "ns", "resourceVersion": "42",
                    "labels": {"app": "web"}, "creationTimestamp": "2024-05-01T11:55:00Z"},
       "spec": {"containers": [{"name": "a"}]}, "status": {"phase": "Succeeded"}}
      """;

  private static JsonNode table(TableFormat f, boolean headers) throws Exception {
    JsonNode pod = JSON.readTree(POD);
    Printer p = BuiltinPrintersAccess.pods();
    return f.table(
        p, List.of(pod, pod), headers, "100", "tok", Instant.parse("2024-05-01T12:00:00Z"));
  }

  @Test
  void tableShape() throws Exception {
    JsonNode t = table(TableFormat.negotiate(KUBECTL_ACCEPT, null), true);
    assertEquals("Table", t.path("kind").asText());
    assertEquals("meta.k8s.io/v1", t.path("apiVersion").asText());
    assertEquals("100", t.path("metadata").path("resourceVersion").asText());
    assertEquals("tok", t.path("metadata").path("continue").asText());
    JsonNode first = t.path("columnDefinitions").get(0);
    assertEquals("Name", first.path("name").asText());
    assertEquals("name", first.path("format").asText());
    assertEquals(0, first.path("priority").asInt());
    assertTrue(first.has("description") && first.has("type"));
    assertEquals(2, t.path("rows").size());
    JsonNode row = t.path("rows").get(0);
    assertEquals("p1", row.path("cells").get(0).asText());
    assertEquals("0/1", row.path("cells").get(1).asText());
    assertEquals("5m", row.path("cells").get(4).asText());
    assertEquals("Completed", row.path("conditions").get(0).path("type").asText());
    assertEquals("Succeeded", row.path("conditions").get(0).path("reason").asText());
    JsonNode obj = row.path("object");
    assertEquals("PartialObjectMetadata", obj.path("kind").asText());
    assertEquals("meta.k8s.io/v1", obj.path("apiVersion").asText());
    assertEquals("web", obj.path("metadata").path("labels").path("app").asText());
    assertFalse(obj.has("spec"));
  }

  @Test
  void includeObjectVariants() throws Exception {
    JsonNode full = table(TableFormat.negotiate(KUBECTL_ACCEPT, "Object"), true);
    assertEquals("Pod", full.path("rows").get(0).path("object").path("kind").asText());
    assertTrue(full.path("rows").get(0).path("object").has("spec"));
    JsonNode none = table(TableFormat.negotiate(KUBECTL_ACCEPT, "None"), true);
    assertTrue(none.path("rows").get(0).path("object").isNull());
    JsonNode beta =
        table(
            TableFormat.negotiate("application/json;as=Table;v=v1beta1;g=meta.k8s.io", null), true);
    assertEquals("meta.k8s.io/v1beta1", beta.path("apiVersion").asText());
    assertEquals(
        "meta.k8s.io/v1beta1", beta.path("rows").get(0).path("object").path("apiVersion").asText());
  }

  @Test
  void watchSendsColumnsOnlyOnTheFirstEvent() throws Exception {
    TableFormat f = TableFormat.negotiate(KUBECTL_ACCEPT, null);
    TableWatch w = new TableWatch(f, BuiltinPrintersAccess.pods());
    byte[] added = ("{\"type\":\"ADDED\",\"object\":" + POD + "}").getBytes(StandardCharsets.UTF_8);
    JsonNode first = JSON.readTree(w.transform(added));
    assertEquals("ADDED", first.path("type").asText());
    assertEquals("Table", first.path("object").path("kind").asText());
    assertEquals("42", first.path("object").path("metadata").path("resourceVersion").asText());
    assertTrue(first.path("object").path("columnDefinitions").size() > 0);
    assertEquals(1, first.path("object").path("rows").size());
    JsonNode second = JSON.readTree(w.transform(added));
    assertTrue(second.path("object").path("columnDefinitions").isNull());
    assertEquals("p1", second.path("object").path("rows").get(0).path("cells").get(0).asText());

    byte[] error =
        "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"code\":410}}"
            .getBytes(StandardCharsets.UTF_8);
    assertEquals(
        new String(error, StandardCharsets.UTF_8),
        new String(w.transform(error), StandardCharsets.UTF_8));
  }
}
