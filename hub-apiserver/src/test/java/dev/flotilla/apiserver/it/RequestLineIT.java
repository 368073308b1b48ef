package dev.flotilla.apiserver.it;

import static dev.flotilla.fixtures.RawHttp.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.fixtures.RawHttp;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The request line read as kube-apiserver reads it: a malformed percent-escape in the query is a
 * 400 on every path; query booleans parse as Go's strconv.ParseBool ({@code ?watch=True}, which
 * Python's client sends, is a watch); a subresource the resource does not have is 404, never the
 * parent object; and paths match exactly, so {@code DELETE .../configmaps//} deletes nothing.
 * Neither does a DELETE whose body does not decode as a DeleteOptions (a 400).
 */
class RequestLineIT {
  private static final String NS = "request-line";
  private static final String CMS = "/api/v1/namespaces/" + NS + "/configmaps";

  /** Leaves out the hub's own kube-root-ca.crt, which every namespace gets. */
  private static final String USER_OBJECTS = "?fieldSelector=metadata.name%21%3Dkube-root-ca.crt";

  @RegisterExtension static final RawHub rig = RawHub.withNamespace(NS);
  private static final RawHttp http = rig.http();

  @BeforeAll
  static void start() {
    created(CMS, "{\"metadata\":{\"name\":\"one\"},\"data\":{\"k\":\"v\"}}");
    created(CMS, "{\"metadata\":{\"name\":\"two\"},\"data\":{\"k\":\"v\"}}");
    created(
        "/apis/apps/v1/namespaces/" + NS + "/deployments", BuiltinSchemaIT.deployment("web", ""));
    created(
        "/api/v1/namespaces/" + NS + "/pods",
        "{\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}");
  }

  private static void created(String path, String body) {
    HttpResponse<String> r = http.send("POST", path, "application/json", body);
    assertEquals(201, r.statusCode(), r.body());
  }

  /**
   * Sends a request line as given (Java's URI refuses malformed escapes) and returns the response:
   * status line, headers and body.
   */
  private static String raw(String method, String target) throws Exception {
    URI base = URI.create(http.base());
    try (javax.net.ssl.SSLSocket socket =
        (javax.net.ssl.SSLSocket)
            http.ssl().getSocketFactory().createSocket(base.getHost(), base.getPort())) {
      socket.setSoTimeout(60_000);
      String request =
          method
              + " "
              + target
              + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
              + http.token()
              + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void malformedPercentEscapeIsA400OnEveryPath() throws Exception {
    for (String path :
        List.of(
            "/api",
            "/apis",
            "/version",
            "/healthz",
            "/readyz",
            "/openapi/v3",
            "/api/v1/namespaces",
            CMS,
            CMS + "/one",
            "/apis/apps/v1/namespaces/" + NS + "/deployments/web/scale",
            "/nowhere")) {
      for (String method : List.of("GET", "DELETE", "POST")) {
        String response = raw(method, path + "?a=%zz");
        assertTrue(response.startsWith("HTTP/1.1 400"), method + " " + path + ": " + response);
        assertTrue(
            response.contains("\"reason\":\"BadRequest\"")
                && response.contains("the query string is not valid"),
            response);
      }
    }
    assertTrue(raw("DELETE", CMS + "/one?x=%").startsWith("HTTP/1.1 400"));
    assertEquals(200, http.get(CMS + "/one").statusCode());
  }

  @Test
  void watchTrueInAnyOfGoSpellingsIsAWatch() throws Exception {
    for (String spelling : List.of("True", "TRUE", "t", "T", "1", "true")) {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(http.base() + CMS + "?watch=" + spelling))
              .header("Authorization", "Bearer " + http.token())
              .timeout(Duration.ofSeconds(60))
              .build();
      HttpResponse<InputStream> r =
          http.client().send(request, HttpResponse.BodyHandlers.ofInputStream());
      assertEquals(200, r.statusCode());
      try (BufferedReader in =
          new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
        String first = in.readLine();
        assertTrue(
            first.startsWith("{\"type\":\"ADDED\""),
            "watch=" + spelling + " must stream events, got: " + first);
      }
    }
    for (String spelling : List.of("False", "FALSE", "f", "0")) {
      HttpResponse<String> r = http.get(CMS + "?watch=" + spelling);
      assertEquals(200, r.statusCode());
      assertEquals("ConfigMapList", RawHttp.parse(r.body()).path("kind").asText(), spelling);
    }
    assertStatus(http.get(CMS + "?watch=yes"), 400, "BadRequest", "strconv.ParseBool");
    assertStatus(
        http.get(CMS + "?watch=1&allowWatchBookmarks=maybe"),
        400,
        "BadRequest",
        "allowWatchBookmarks");
  }

  @Test
  void unknownSubresourceIsNotFound() {
    for (String path :
        List.of(
            "/api/v1/namespaces/" + NS + "/pods/p/foo",
            "/apis/apps/v1/namespaces/" + NS + "/deployments/web/foo",
            CMS + "/one/status",
            "/api/v1/namespaces/" + NS + "/pods/p/log")) {
      assertStatus(http.get(path), 404, "NotFound", "could not find the requested resource");
    }
    assertStatus(
        http.send(
            "PATCH",
            "/apis/apps/v1/namespaces/" + NS + "/deployments/web/foo",
            "application/merge-patch+json",
            "{}"),
        404,
        "NotFound",
        "could not find");
    // The subresources it has still answer.
    assertEquals(
        200, http.get("/apis/apps/v1/namespaces/" + NS + "/deployments/web/status").statusCode());
    assertEquals(
        200, http.get("/apis/apps/v1/namespaces/" + NS + "/deployments/web/scale").statusCode());
  }

  @Test
  void pathsMatchExactly() {
    assertStatus(
        http.send("DELETE", CMS + "//", null, (String) null), 404, "NotFound", "could not find");
    assertStatus(
        http.send("DELETE", CMS + "/", null, (String) null), 404, "NotFound", "could not find");
    assertStatus(http.get("/api/v1/namespaces/" + NS + "//configmaps"), 404, "NotFound", "find");
    assertEquals(2, http.getJson(CMS + USER_OBJECTS).path("items").size());
  }

  @Test
  void deleteCollectionAcrossAllNamespacesIsNotServed() {
    // kube-apiserver serves only list and watch on /api/v1/configmaps; found by the fuzz, which
    // emptied every namespace with one DELETE there.
    assertStatus(
        http.send("DELETE", "/api/v1/configmaps", null, (String) null),
        405,
        "MethodNotAllowed",
        "needs a namespace");
    assertEquals(2, http.getJson(CMS + USER_OBJECTS).path("items").size());
  }

  /** Body -> a fragment of the message that must say what is wrong with it. */
  private static final Map<String, String> UNDECODABLE_DELETE_OPTIONS =
      Map.of(
          "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"orphanDependents\":\"x\"}",
          "orphanDependents",
          "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"gracePeriodSeconds\":\"x\"}",
          "gracePeriodSeconds",
          "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"dryRun\":[\"Nope\"]}",
          "dryRun",
          "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"propagationPolicy\":\"Bogus\"}",
          "propagationPolicy",
          "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"preconditions\":[[[]]]}",
          "preconditions",
          "{\"kind\":\"Pod\",\"apiVersion\":\"v1\"}",
          "Pod",
          "[]",
          "object");

  @Test
  void undecodableDeleteOptionsDeleteNothing() {
    // Found by the reliability fuzz: such bodies, read leniently, deleted the object or the whole
    // collection; upstream's decoder refuses them with 400.
    created(CMS, "{\"metadata\":{\"name\":\"doomed\"}}");
    for (Map.Entry<String, String> bad : UNDECODABLE_DELETE_OPTIONS.entrySet()) {
      for (String path : List.of(CMS + "/doomed", CMS)) {
        assertStatus(
            http.send("DELETE", path, "application/json", bad.getKey()),
            400,
            "BadRequest",
            bad.getValue());
      }
    }
    assertEquals(3, http.getJson(CMS + USER_OBJECTS).path("items").size());
    // A body that decodes is still honoured: a dry run deletes nothing, a real one deletes.
    String dryRun = "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"dryRun\":[\"All\"]}";
    assertEquals(
        200, http.send("DELETE", CMS + "/doomed", "application/json", dryRun).statusCode());
    assertEquals(200, http.get(CMS + "/doomed").statusCode());
    String background =
        "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"propagationPolicy\":\"Background\"}";
    assertEquals(
        200, http.send("DELETE", CMS + "/doomed", "application/json", background).statusCode());
    assertEquals(404, http.get(CMS + "/doomed").statusCode());
  }
}
