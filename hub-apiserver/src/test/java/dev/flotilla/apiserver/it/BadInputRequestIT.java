package dev.flotilla.apiserver.it;

import static dev.flotilla.fixtures.RawHttp.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.fixtures.RawHttp;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Requests the server must refuse for what they address or how they ask: unknown resources and
 * group versions, bad query parameters, wrong methods and missing or wrong credentials.
 */
class BadInputRequestIT {
  private static final String NS = "bad-request";
  private static final String CMS = "/api/v1/namespaces/" + NS + "/configmaps";

  /** Leaves out the hub's own kube-root-ca.crt, which every namespace gets. */
  private static final String USER_OBJECTS = "?fieldSelector=metadata.name%21%3Dkube-root-ca.crt";

  private static final String CM =
      "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
          + "\"metadata\":{\"name\":\"kept\"},\"data\":{\"k\":\"v\"}}";
  @RegisterExtension static final RawHub rig = RawHub.withNamespace(NS).healthyAfter();
  private static final RawHttp http = rig.http();

  @BeforeAll
  static void start() {
    assertEquals(201, http.send("POST", CMS, "application/json", CM).statusCode());
  }

  private static String q(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** The one ConfigMap of the namespace is still there, unchanged. */
  private static void assertOnlyKept() {
    JsonNode list = http.getJson(CMS + USER_OBJECTS);
    assertEquals(1, list.path("items").size(), list.toString());
    assertEquals("kept", list.at("/items/0/metadata/name").asText());
    assertEquals("v", list.at("/items/0/data/k").asText());
  }

  @Test
  void unknownResourcesAreNotFound() {
    assertStatus(http.get("/api/v1/namespaces/" + NS + "/widgets"), 404, "NotFound", "widgets");
    assertStatus(
        http.send(
            "POST",
            "/api/v1/namespaces/" + NS + "/widgets",
            "application/json",
            "{\"metadata\":{\"name\":\"w\"}}"),
        404,
        "NotFound",
        "widgets");
    assertStatus(http.get("/api/v1/widgets/w"), 404, "NotFound", "widgets");
    assertStatus(
        http.get("/apis/apps/v1/namespaces/" + NS + "/configmaps"), 404, "NotFound", "configmaps");
    assertStatus(http.get(CMS + "/absent"), 404, "NotFound", "\"absent\" not found");
  }

  @Test
  void unknownGroupsAndVersionsAreNotFound() {
    assertStatus(
        http.get("/apis/nope.example.com/v1/namespaces/" + NS + "/things"),
        404,
        "NotFound",
        "things");
    assertStatus(
        http.get("/apis/apps/v9/namespaces/" + NS + "/deployments"),
        404,
        "NotFound",
        "deployments");
    assertStatus(
        http.get("/api/v2/namespaces/" + NS + "/configmaps"), 404, "NotFound", "configmaps");
    assertStatus(
        http.send(
            "POST",
            "/apis/policy.karmada.io/v9/namespaces/" + NS + "/propagationpolicies",
            "application/json",
            "{\"metadata\":{\"name\":\"p\"}}"),
        404,
        "NotFound",
        "propagationpolicies");
    assertStatus(http.get("/apis/nope.example.com/v1"), 404, "NotFound", "could not find");
    assertStatus(http.get("/apis/nope.example.com"), 404, "NotFound", "could not find");
  }

  @Test
  void badSelectors() {
    assertStatus(http.get(CMS + "?labelSelector=" + q("app in (a")), 400, "BadRequest", "expected");
    assertStatus(http.get(CMS + "?labelSelector=" + q("Bad Key=x")), 400, "BadRequest", "expected");
    assertStatus(
        http.get(CMS + "?labelSelector=" + q("a=" + "v".repeat(64))), 400, "BadRequest", "63");
    assertStatus(
        http.get(CMS + "?fieldSelector=" + q("metadata.name")),
        400,
        "BadRequest",
        "can't understand");
    assertStatus(
        http.get(CMS + "?fieldSelector=" + q("metadata.name~x")),
        400,
        "BadRequest",
        "can't understand");
    assertStatus(
        http.get(CMS + "?fieldSelector=" + q("spec.nodeName=n1")),
        400,
        "BadRequest",
        "spec.nodeName");
    assertStatus(http.get(CMS + "?fieldSelector=" + q("data.k=v")), 400, "BadRequest", "data.k");
    // Also on watches, before any stream starts.
    assertStatus(
        http.get(CMS + "?watch=true&fieldSelector=" + q("data.k=v")), 400, "BadRequest", "data.k");
    // Still fine: the supported fields.
    assertEquals(
        1, http.getJson(CMS + "?fieldSelector=" + q("metadata.name=kept")).path("items").size());
  }

  @Test
  void badPagingAndResourceVersionParameters() {
    assertStatus(http.get(CMS + "?limit=abc"), 400, "BadRequest", "limit");
    assertStatus(http.get(CMS + "?limit=-5"), 400, "BadRequest", "limit");
    assertStatus(http.get(CMS + "?resourceVersion=abc"), 400, "BadRequest", "resourceVersion");
    assertStatus(http.get(CMS + "?resourceVersion=-1"), 400, "BadRequest", "resourceVersion");
    assertStatus(
        http.get(CMS + "?resourceVersion=1&resourceVersionMatch=Sometime"),
        422,
        "Invalid",
        "resourceVersionMatch: Unsupported value: \"Sometime\"");
    assertStatus(http.get(CMS + "?limit=1&continue=not-a-token"), 400, "BadRequest", "continue");
    assertStatus(
        http.get(CMS + "?watch=true&resourceVersion=abc"), 400, "BadRequest", "resourceVersion");
    assertStatus(
        http.get(CMS + "?watch=true&timeoutSeconds=soon"), 400, "BadRequest", "timeoutSeconds");
    assertStatus(
        http.send("DELETE", CMS + "/kept?dryRun=Some", null, (String) null),
        400,
        "BadRequest",
        "dryRun");
    assertOnlyKept();
  }

  @Test
  void postToANamedObjectIsNotAllowed() {
    assertStatus(
        http.send("POST", CMS + "/kept", "application/json", CM), 405, "MethodNotAllowed", "POST");
    assertStatus(http.send("PUT", CMS, "application/json", CM), 405, "MethodNotAllowed", "PUT");
    assertStatus(
        http.send("PATCH", CMS, "application/merge-patch+json", "{}"),
        405,
        "MethodNotAllowed",
        "PATCH");
    assertOnlyKept();
  }

  @Test
  void missingOrWrongTokensAreUnauthorized() {
    byte[] other = "{\"metadata\":{\"name\":\"intruder\"}}".getBytes(StandardCharsets.UTF_8);
    assertStatus(http.send("GET", CMS, null, null, null), 401, "Unauthorized", "token");
    assertStatus(http.send("GET", CMS, null, null, "not-the-token"), 401, "Unauthorized", "token");
    assertStatus(
        http.send("GET", CMS, null, null, http.token() + "x"), 401, "Unauthorized", "token");
    assertStatus(
        http.send("POST", CMS, "application/json", other, null), 401, "Unauthorized", "token");
    assertStatus(
        http.send("POST", CMS, "application/json", other, "wrong"), 401, "Unauthorized", "token");
    assertStatus(
        http.send("DELETE", CMS + "/kept", null, null, "wrong"), 401, "Unauthorized", "token");
    assertStatus(http.send("GET", "/version", null, null, "wrong"), 401, "Unauthorized", "token");
    assertOnlyKept();
  }
}
