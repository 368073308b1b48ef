package dev.flotilla.apiserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.fixtures.RawHttp;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Request bodies the server must refuse with a Kubernetes Status (400, 415, 422) without storing
 * anything: broken JSON and YAML, wrong shapes, mismatched type or namespace, bad names and
 * unsupported media types. {@link RawHttp} is the raw HTTPS client of all BadInput tests.
 */
class BadInputBodyIT {
  private static final String NS = "bad-body";
  private static final String CMS = "/api/v1/namespaces/" + NS + "/configmaps";

  /** Leaves out the hub's own kube-root-ca.crt, which every namespace gets. */
  private static final String USER_OBJECTS = "?fieldSelector=metadata.name%21%3Dkube-root-ca.crt";

  @RegisterExtension static final RawHub rig = RawHub.withNamespace(NS).healthyAfter();
  private static final RawHttp http = rig.http();

  private static void assertNothingStored() {
    JsonNode list = http.getJson(CMS + USER_OBJECTS);
    assertEquals(0, list.path("items").size(), "a refused request stored something: " + list);
  }

  private static HttpResponse<String> postJson(String body) {
    return http.send("POST", CMS, "application/json", body);
  }

  @Test
  void malformedJson() {
    RawHttp.assertStatus(
        postJson("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\""),
        400,
        "BadRequest",
        "not valid JSON");
    RawHttp.assertStatus(postJson("{'apiVersion': 'v1'}"), 400, "BadRequest", "not valid JSON");
    RawHttp.assertStatus(
        postJson("{\"metadata\":{\"name\":\"trailing\"}} {}"), 400, "BadRequest", "JSON");
    assertNothingStored();
  }

  @Test
  void malformedYaml() {
    RawHttp.assertStatus(
        http.send(
            "POST",
            CMS,
            "application/yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [broken\n data: {\n"),
        400,
        "BadRequest",
        "not valid YAML");
    assertNothingStored();
  }

  @Test
  void arraysAndScalarsAreNotObjects() {
    RawHttp.assertStatus(
        postJson(
            "[{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
                + "\"metadata\":{\"name\":\"in-array\"}}]"),
        400,
        "BadRequest",
        "single object");
    RawHttp.assertStatus(postJson("\"configmap\""), 400, "BadRequest", "single object");
    RawHttp.assertStatus(postJson("42"), 400, "BadRequest", "single object");
    RawHttp.assertStatus(postJson("null"), 400, "BadRequest", "single object");
    RawHttp.assertStatus(
        http.send("POST", CMS, "application/yaml", "- a\n- b\n"),
        400,
        "BadRequest",
        "single object");
    assertNothingStored();
  }

  @Test
  void typeAndNamespaceMustMatchTheUrl() {
    RawHttp.assertStatus(
        postJson(
            "{\"apiVersion\":\"v1\",\"kind\":\"Secret\","
                + "\"metadata\":{\"name\":\"wrong-kind\"}}"),
        400,
        "BadRequest",
        "Secret");
    RawHttp.assertStatus(
        postJson(
            "{\"apiVersion\":\"apps/v1\",\"kind\":\"ConfigMap\","
                + "\"metadata\":{\"name\":\"wrong-version\"}}"),
        400,
        "BadRequest",
        "apps/v1");
    RawHttp.assertStatus(
        postJson(
            "{\"apiVersion\":\"v2\",\"kind\":\"ConfigMap\","
                + "\"metadata\":{\"name\":\"no-such-version\"}}"),
        400,
        "BadRequest",
        "v2");
    RawHttp.assertStatus(
        postJson(
            "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
                + "\"metadata\":{\"name\":\"elsewhere\",\"namespace\":\"default\"}}"),
        400,
        "BadRequest",
        "namespace");
    assertNothingStored();
    assertEquals(404, http.get("/api/v1/namespaces/default/configmaps/elsewhere").statusCode());
  }

  @Test
  void invalidAndMissingNames() {
    for (String name : new String[] {"Bad_Name", "x".repeat(300), "-leading-dash", "a/b"}) {
      JsonNode status =
          RawHttp.assertStatus(
              postJson(
                  "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
                      + "\"metadata\":{\"name\":\""
                      + name
                      + "\"}}"),
              422,
              "Invalid",
              "metadata.name");
      assertEquals(
          "metadata.name", status.at("/details/causes/0/field").asText(), status.toString());
      assertEquals("ConfigMap", status.at("/details/kind").asText(), status.toString());
    }
    JsonNode tooLong =
        RawHttp.assertStatus(
            postJson("{\"metadata\":{\"name\":\"" + "y".repeat(300) + "\"}}"),
            422,
            "Invalid",
            "253");
    assertEquals("metadata.name", tooLong.at("/details/causes/0/field").asText());
    JsonNode missing =
        RawHttp.assertStatus(
            postJson("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\"," + "\"data\":{\"k\":\"v\"}}"),
            422,
            "Invalid",
            "name");
    assertEquals("metadata.name", missing.at("/details/causes/0/field").asText());
    assertEquals("FieldValueRequired", missing.at("/details/causes/0/reason").asText());
    RawHttp.assertStatus(postJson("{\"metadata\":{\"name\":\"\"}}"), 422, "Invalid", "name");
    assertNothingStored();
  }

  @Test
  void unsupportedContentTypes() {
    String cm = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"typed\"}}";
    RawHttp.assertStatus(
        http.send("POST", CMS, "text/plain", cm), 415, "UnsupportedMediaType", "text/plain");
    // Protobuf is accepted (kubectl's typed commands send it), so JSON sent as protobuf is a 400.
    RawHttp.assertStatus(
        http.send("POST", CMS, "application/vnd.kubernetes.protobuf", cm),
        400,
        "BadRequest",
        "protobuf");
    RawHttp.assertStatus(
        http.send("POST", CMS, "application/merge-patch+json", cm),
        415,
        "UnsupportedMediaType",
        "merge-patch");
    assertNothingStored();
  }
}
