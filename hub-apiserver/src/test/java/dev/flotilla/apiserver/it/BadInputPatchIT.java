package dev.flotilla.apiserver.it;

import static dev.flotilla.fixtures.RawHttp.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.fixtures.RawHttp;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Updates and patches the server must refuse, leaving the object exactly as it was (same
 * resourceVersion): patch types a kind does not take, patches that do not apply, and PUT bodies
 * that address another object.
 */
class BadInputPatchIT {
  private static final String NS = "bad-patch";
  private static final String CM = "/api/v1/namespaces/" + NS + "/configmaps/target";
  private static final String PP =
      "/apis/policy.karmada.io/v1alpha1/namespaces/" + NS + "/propagationpolicies/target-policy";
  @RegisterExtension static final RawHub rig = RawHub.withNamespace(NS).healthyAfter();
  private static final RawHttp http = rig.http();

  @BeforeAll
  static void start() {
    HttpResponse<String> cm =
        http.send(
            "POST",
            "/api/v1/namespaces/" + NS + "/configmaps",
            "application/json",
            "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":"
                + "{\"name\":\"target\",\"labels\":{\"stage\":\"one\"}},\"data\":{\"k\":\"v\"}}");
    assertEquals(201, cm.statusCode(), cm.body());
    HttpResponse<String> pp =
        http.send(
            "POST",
            "/apis/policy.karmada.io/v1alpha1/namespaces/" + NS + "/propagationpolicies",
            "application/yaml",
            """
        apiVersion: policy.karmada.io/v1alpha1
        kind: PropagationPolicy
        metadata:
          name: target-policy
        spec:
          resourceSelectors:
            - apiVersion: v1
              kind: ConfigMap
              name: target
          placement:
            clusterAffinity:
              clusterNames: [member1]
        """);
    assertEquals(201, pp.statusCode(), pp.body());
  }

  private static HttpResponse<String> patch(String path, String type, String body) {
    return http.send("PATCH", path, type, body);
  }

  @Test
  void strategicMergePatchOnACustomResourceIsUnsupported() {
    JsonNode before = http.getJson(PP);
    assertStatus(
        patch(
            PP,
            "application/strategic-merge-patch+json",
            "{\"spec\":{\"placement\":{\"clusterAffinity\":{\"clusterNames\":[\"member2\"]}}}}"),
        415,
        "UnsupportedMediaType",
        "strategic merge patch");
    assertEquals(before, http.getJson(PP));
  }

  @Test
  void unknownPatchTypeIsUnsupported() {
    JsonNode before = http.getJson(CM);
    assertStatus(
        patch(CM, "application/json", "{\"data\":{\"k\":\"w\"}}"),
        415,
        "UnsupportedMediaType",
        "application/json");
    assertStatus(
        patch(CM, "text/plain", "data: {k: w}"), 415, "UnsupportedMediaType", "text/plain");
    assertEquals(before, http.getJson(CM));
  }

  @Test
  void failingJsonPatchTestLeavesTheObjectUnchanged() {
    JsonNode before = http.getJson(CM);
    assertStatus(
        patch(
            CM,
            "application/json-patch+json",
            "["
                + "{\"op\":\"replace\",\"path\":\"/data/k\",\"value\":\"changed\"},"
                + "{\"op\":\"test\",\"path\":\"/metadata/labels/stage\",\"value\":\"two\"}]"),
        422,
        "Invalid",
        "differs from expectations");
    assertStatus(
        patch(CM, "application/json-patch+json", "[{\"op\":\"remove\",\"path\":\"/data/absent\"}]"),
        422,
        "Invalid",
        "no such path");
    assertStatus(
        patch(
            PP,
            "application/json-patch+json",
            "[{\"op\":\"test\",\"path\":\"/spec/placement/clusterAffinity/clusterNames/0\","
                + "\"value\":\"member9\"},{\"op\":\"remove\",\"path\":\"/spec/placement\"}]"),
        422,
        "Invalid",
        "differs from expectations");
    assertEquals(before, http.getJson(CM));
    assertEquals(
        "member1", http.getJson(PP).at("/spec/placement/clusterAffinity/clusterNames/0").asText());
  }

  @Test
  void malformedPatches() {
    JsonNode before = http.getJson(CM);
    assertStatus(
        patch(CM, "application/json-patch+json", "{\"op\":\"add\"}"), 400, "BadRequest", "array");
    assertStatus(
        patch(CM, "application/json-patch+json", "[{\"op\":\"add\""),
        400,
        "BadRequest",
        "not valid JSON");
    assertStatus(
        patch(CM, "application/merge-patch+json", "[1,2]"), 400, "BadRequest", "JSON object");
    assertStatus(
        patch(CM, "application/merge-patch+json", "{\"data\":"),
        400,
        "BadRequest",
        "not valid JSON");
    assertStatus(
        patch(CM + "?fieldValidation=Strict", "application/merge-patch+json", "{\"a\":1,\"a\":2}"),
        400,
        "BadRequest",
        "duplicate field \"a\"");
    assertStatus(
        patch(CM, "application/merge-patch+json", "{\"kind\":\"Secret\"}"),
        400,
        "BadRequest",
        "Secret");
    assertStatus(
        patch(
            CM,
            "application/merge-patch+json",
            "{\"metadata\":{\"resourceVersion\":\"1\"},\"data\":{\"k\":\"stale\"}}"),
        409,
        "Conflict",
        "modified");
    assertEquals(before, http.getJson(CM));
    assertStatus(
        patch(
            "/api/v1/namespaces/" + NS + "/configmaps/absent",
            "application/merge-patch+json",
            "{}"),
        404,
        "NotFound",
        "absent");
  }

  @Test
  void putMustAddressTheSameObject() {
    JsonNode before = http.getJson(CM);
    String rv = before.at("/metadata/resourceVersion").asText();
    assertStatus(
        http.send(
            "PUT",
            CM,
            "application/json",
            "{\"apiVersion\":\"v1\",\"kind\":"
                + "\"ConfigMap\",\"metadata\":{\"name\":\"other\",\"resourceVersion\":\""
                + rv
                + "\"}}"),
        400,
        "BadRequest",
        "name");
    assertStatus(
        http.send(
            "PUT",
            CM,
            "application/json",
            "{\"apiVersion\":\"v1\",\"kind\":"
                + "\"ConfigMap\",\"metadata\":{\"name\":\"target\",\"namespace\":\"default\","
                + "\"resourceVersion\":\""
                + rv
                + "\"},\"data\":{\"k\":\"moved\"}}"),
        400,
        "BadRequest",
        "namespace");
    assertStatus(
        http.send(
            "PUT",
            CM,
            "application/json",
            "{\"apiVersion\":\"v1\",\"kind\":" + "\"Secret\",\"metadata\":{\"name\":\"target\"}}"),
        400,
        "BadRequest",
        "Secret");
    assertStatus(
        http.send(
            "PUT",
            CM,
            "application/json",
            "{\"metadata\":{\"name\":\"target\","
                + "\"resourceVersion\":\"1\"},\"data\":{\"k\":\"stale\"}}"),
        409,
        "Conflict",
        "modified");
    assertStatus(
        http.send("PUT", CM, "application/json", "[]"), 400, "BadRequest", "single object");
    assertEquals(before, http.getJson(CM));
  }

  /** A patch may not rename or move its object (found by the fuzz: it was stored with 200). */
  @Test
  void patchMustNotRenameOrMoveTheObject() {
    JsonNode before = http.getJson(CM);
    assertStatus(
        patch(
            CM,
            "application/json-patch+json",
            "[{\"op\":\"add\",\"path\":\"/metadata/name\",\"value\":\"Bad_Name!\"}]"),
        400,
        "BadRequest",
        "the name of the object (Bad_Name!) does not match the name on the URL (target)");
    assertStatus(
        patch(CM, "application/merge-patch+json", "{\"metadata\":{\"name\":null}}"),
        400,
        "BadRequest",
        "does not match the name on the URL");
    assertStatus(
        patch(
            CM,
            "application/strategic-merge-patch+json",
            "{\"metadata\":{\"namespace\":\"default\"},\"data\":{\"k\":\"moved\"}}"),
        400,
        "BadRequest",
        "the namespace of the object (default) does not match the namespace on the URL");
    assertEquals(before, http.getJson(CM));
  }
}
