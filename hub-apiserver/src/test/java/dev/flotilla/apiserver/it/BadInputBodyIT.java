package dev.flotilla.apiserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Request bodies the server must refuse with a Kubernetes Status (400, 415, 422) without storing
 * anything: broken JSON and YAML, wrong shapes, mismatched type or namespace, bad names and
 * unsupported media types. {@link Http} is the raw HTTPS client of all BadInput tests.
 */
class BadInputBodyIT {
  private static final String NS = "bad-body";
  private static final String CMS = "/api/v1/namespaces/" + NS + "/configmaps";

  /** Leaves out the hub's own kube-root-ca.crt, which every namespace gets. */
  private static final String USER_OBJECTS = "?fieldSelector=metadata.name%21%3Dkube-root-ca.crt";

  private static TestHub hub;
  private static Http http;

  /** A raw HTTPS client trusting the hub's CA, with Status assertions. */
  static final class Http {
    static final ObjectMapper JSON = new ObjectMapper();
    final HttpClient client;
    final SSLContext ssl;
    final String base;
    final String token;

    Http(TestHub hub) {
      this.base = hub.url();
      this.token = hub.adminToken();
      try (InputStream ca =
          new FileInputStream(hub.server().certificateAuthority().caCertPath().toFile())) {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry(
            "flotilla-ca", CertificateFactory.getInstance("X.509").generateCertificate(ca));
        TrustManagerFactory tmf =
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        this.ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        this.client =
            HttpClient.newBuilder()
                .sslContext(ssl)
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(60))
                .build();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    HttpResponse<String> send(
        String method, String path, String contentType, byte[] body, String bearer) {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(base + path))
              .timeout(Duration.ofSeconds(90))
              .method(
                  method,
                  body == null ? BodyPublishers.noBody() : BodyPublishers.ofByteArray(body));
      if (contentType != null) {
        b.header("Content-Type", contentType);
      }
      if (bearer != null) {
        b.header("Authorization", "Bearer " + bearer);
      }
      return send(b.build());
    }

    HttpResponse<String> send(HttpRequest request) {
      // A deadline on the whole exchange: a response whose body never ends must fail the test.
      var future = client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
      try {
        return future.get(90, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        future.cancel(true);
        throw new AssertionError(
            request.method()
                + " "
                + request.uri()
                + ": no complete response within 90 s (head sent but body never ended?)");
      } catch (ExecutionException e) {
        throw new AssertionError(
            request.method() + " " + request.uri() + " failed: " + e.getCause(), e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    HttpResponse<String> send(String method, String path, String contentType, String body) {
      return send(
          method,
          path,
          contentType,
          body == null ? null : body.getBytes(StandardCharsets.UTF_8),
          token);
    }

    HttpResponse<String> get(String path) {
      return send("GET", path, null, (byte[]) null, token);
    }

    JsonNode getJson(String path) {
      HttpResponse<String> r = get(path);
      assertEquals(200, r.statusCode(), () -> "GET " + path + ": " + r.body());
      return parse(r.body());
    }

    static JsonNode parse(String body) {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + body, e);
      }
    }

    /** Asserts the HTTP code and a Status body with that code and reason; returns the Status. */
    static JsonNode assertStatus(
        HttpResponse<String> r, int code, String reason, String messageFragment) {
      String context =
          r.request().method() + " " + r.request().uri() + " -> " + r.statusCode() + " " + r.body();
      assertEquals(code, r.statusCode(), context);
      assertTrue(
          r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
          context);
      JsonNode status = parse(r.body());
      assertEquals("Status", status.path("kind").asText(), context);
      assertEquals("v1", status.path("apiVersion").asText(), context);
      assertEquals("Failure", status.path("status").asText(), context);
      assertEquals(reason, status.path("reason").asText(), context);
      assertEquals(code, status.path("code").asInt(), context);
      assertTrue(
          status.path("message").asText().toLowerCase().contains(messageFragment.toLowerCase()),
          "message should name the problem (" + messageFragment + "): " + context);
      return status;
    }
  }

  @BeforeAll
  static void start() {
    hub = TestHub.start();
    http = new Http(hub);
    HttpResponse<String> ns =
        http.send(
            "POST",
            "/api/v1/namespaces",
            "application/json",
            "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\""
                + NS
                + "\"}}");
    assertEquals(201, ns.statusCode(), ns.body());
  }

  @AfterAll
  static void stop() {
    if (hub != null) {
      try {
        HttpResponse<String> health = http.get("/healthz");
        assertEquals(200, health.statusCode());
        assertEquals("ok", health.body());
      } finally {
        hub.close();
      }
    }
  }

  private static void assertNothingStored() {
    JsonNode list = http.getJson(CMS + USER_OBJECTS);
    assertEquals(0, list.path("items").size(), "a refused request stored something: " + list);
  }

  private static HttpResponse<String> postJson(String body) {
    return http.send("POST", CMS, "application/json", body);
  }

  @Test
  void malformedJson() {
    Http.assertStatus(
        postJson("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\""),
        400,
        "BadRequest",
        "not valid JSON");
    Http.assertStatus(postJson("{'apiVersion': 'v1'}"), 400, "BadRequest", "not valid JSON");
    Http.assertStatus(
        postJson("{\"metadata\":{\"name\":\"trailing\"}} {}"), 400, "BadRequest", "JSON");
    assertNothingStored();
  }

  @Test
  void malformedYaml() {
    Http.assertStatus(
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
    Http.assertStatus(
        postJson(
            "[{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
                + "\"metadata\":{\"name\":\"in-array\"}}]"),
        400,
        "BadRequest",
        "single object");
    Http.assertStatus(postJson("\"configmap\""), 400, "BadRequest", "single object");
    Http.assertStatus(postJson("42"), 400, "BadRequest", "single object");
    Http.assertStatus(postJson("null"), 400, "BadRequest", "single object");
    Http.assertStatus(
        http.send("POST", CMS, "application/yaml", "- a\n- b\n"),
        400,
        "BadRequest",
        "single object");
    assertNothingStored();
  }

  @Test
  void typeAndNamespaceMustMatchTheUrl() {
    Http.assertStatus(
        postJson(
            "{\"apiVersion\":\"v1\",\"kind\":\"Secret\","
                + "\"metadata\":{\"name\":\"wrong-kind\"}}"),
        400,
        "BadRequest",
        "Secret");
    Http.assertStatus(
        postJson(
            "{\"apiVersion\":\"apps/v1\",\"kind\":\"ConfigMap\","
                + "\"metadata\":{\"name\":\"wrong-version\"}}"),
        400,
        "BadRequest",
        "apps/v1");
    Http.assertStatus(
        postJson(
            "{\"apiVersion\":\"v2\",\"kind\":\"ConfigMap\","
                + "\"metadata\":{\"name\":\"no-such-version\"}}"),
        400,
        "BadRequest",
        "v2");
    Http.assertStatus(
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
          Http.assertStatus(
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
        Http.assertStatus(
            postJson("{\"metadata\":{\"name\":\"" + "y".repeat(300) + "\"}}"),
            422,
            "Invalid",
            "253");
    assertEquals("metadata.name", tooLong.at("/details/causes/0/field").asText());
    JsonNode missing =
        Http.assertStatus(
            postJson("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\"," + "\"data\":{\"k\":\"v\"}}"),
            422,
            "Invalid",
            "name");
    assertEquals("metadata.name", missing.at("/details/causes/0/field").asText());
    assertEquals("FieldValueRequired", missing.at("/details/causes/0/reason").asText());
    Http.assertStatus(postJson("{\"metadata\":{\"name\":\"\"}}"), 422, "Invalid", "name");
    assertNothingStored();
  }

  @Test
  void unsupportedContentTypes() {
    String cm = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"typed\"}}";
    Http.assertStatus(
        http.send("POST", CMS, "text/plain", cm), 415, "UnsupportedMediaType", "text/plain");
    // Protobuf is accepted (kubectl's typed commands send it), so JSON sent as protobuf is a 400.
    Http.assertStatus(
        http.send("POST", CMS, "application/vnd.kubernetes.protobuf", cm),
        400,
        "BadRequest",
        "protobuf");
    Http.assertStatus(
        http.send("POST", CMS, "application/merge-patch+json", cm),
        415,
        "UnsupportedMediaType",
        "merge-patch");
    assertNothingStored();
  }
}
