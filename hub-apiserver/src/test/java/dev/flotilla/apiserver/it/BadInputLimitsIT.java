package dev.flotilla.apiserver.it;

import static dev.flotilla.fixtures.RawHttp.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.fixtures.RawHttp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hostile bodies: over the 3 MiB limit (with and without Content-Length), nested 10,000 deep, with
 * duplicate keys, invalid UTF-8 or numbers no integer field holds. Each gets a Status, nothing is
 * stored, and the server keeps serving.
 */
class BadInputLimitsIT {
  private static final String NS = "bad-limits";
  private static final String CMS = "/api/v1/namespaces/" + NS + "/configmaps";

  /** Leaves out the hub's own kube-root-ca.crt, which every namespace gets. */
  private static final String USER_OBJECTS = "?fieldSelector=metadata.name%21%3Dkube-root-ca.crt";

  private static final int OVER_LIMIT = 3 * 1024 * 1024 + 64 * 1024;
  @RegisterExtension static final RawHub rig = RawHub.withNamespace(NS).healthyAfter();
  private static final RawHttp http = rig.http();

  private static void assertNothingStored() {
    JsonNode list = http.getJson(CMS + USER_OBJECTS);
    assertEquals(0, list.path("items").size(), "a refused request stored something: " + list);
  }

  private static HttpResponse<String> postJson(String body) {
    return http.send("POST", CMS, "application/json", body);
  }

  private static String hugeConfigMap() {
    return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"huge\"},"
        + "\"data\":{\"k\":\""
        + "a".repeat(OVER_LIMIT)
        + "\"}}";
  }

  /**
   * Over the limit with Content-Length (refused before reading) and chunked (refused while
   * reading). The body is written on another thread while this one reads the answer, as curl and Go
   * clients do: a client that only reads after sending everything may instead see the connection
   * close, as with kube-apiserver.
   */
  @Test
  void bodiesOverThreeMebibytes() throws Exception {
    byte[] json = hugeConfigMap().getBytes(StandardCharsets.UTF_8);
    for (boolean chunked : new boolean[] {false, true}) {
      String response = rawPost(CMS, "application/json", json, chunked);
      assertTrue(response.startsWith("HTTP/1.1 413"), "chunked=" + chunked + ": " + response);
      JsonNode status = RawHttp.parse(response.substring(response.indexOf("\r\n\r\n") + 4));
      assertEquals("Status", status.path("kind").asText(), response);
      assertEquals("RequestEntityTooLarge", status.path("reason").asText(), response);
      assertEquals(413, status.path("code").asInt(), response);
      assertTrue(status.path("message").asText().contains("too large"), response);
    }
    byte[] yaml = ("data:\n  k: " + "b".repeat(OVER_LIMIT)).getBytes(StandardCharsets.UTF_8);
    assertTrue(rawPost(CMS, "application/yaml", yaml, false).startsWith("HTTP/1.1 413"));
    assertNothingStored();
    assertStillServing();
  }

  /** POSTs {@code body} over a fresh TLS connection, reading the answer while still sending. */
  private static String rawPost(String path, String contentType, byte[] body, boolean chunked)
      throws IOException {
    URI base = URI.create(http.base());
    try (SSLSocket socket =
        (SSLSocket) http.ssl().getSocketFactory().createSocket(base.getHost(), base.getPort())) {
      socket.setSoTimeout(90_000);
      socket.startHandshake();
      Thread writer =
          new Thread(
              () -> {
                try {
                  OutputStream out = socket.getOutputStream();
                  out.write(
                      ("POST "
                              + path
                              + " HTTP/1.1\r\nHost: "
                              + base.getHost()
                              + "\r\n"
                              + "Authorization: Bearer "
                              + http.token()
                              + "\r\nContent-Type: "
                              + contentType
                              + "\r\n"
                              + (chunked
                                  ? "Transfer-Encoding: chunked"
                                  : "Content-Length: " + body.length)
                              + "\r\n\r\n")
                          .getBytes(StandardCharsets.US_ASCII));
                  for (int at = 0; at < body.length; at += 64 * 1024) {
                    int n = Math.min(64 * 1024, body.length - at);
                    if (chunked) {
                      out.write(
                          (Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    }
                    out.write(body, at, n);
                    if (chunked) {
                      out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                  }
                  if (chunked) {
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                  }
                  out.flush();
                } catch (IOException expected) {
                  // The server may stop reading or close once it has answered.
                }
              },
              "raw-post-writer");
      writer.setDaemon(true);
      writer.start();
      return readResponse(socket.getInputStream());
    }
  }

  /** Status line, headers and a Content-Length body. */
  private static String readResponse(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new AssertionError("connection closed before a response: " + head);
      }
      head.write(b);
    }
    String headers = head.toString(StandardCharsets.ISO_8859_1);
    int length = 0;
    for (String line : headers.split("\r\n")) {
      if (line.toLowerCase().startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    byte[] body = in.readNBytes(length);
    return headers + new String(body, StandardCharsets.UTF_8);
  }

  @Test
  void deeplyNestedDocuments() {
    assertStatus(postJson("[".repeat(10_000) + "]".repeat(10_000)), 400, "BadRequest", "nesting");
    assertStatus(
        postJson(
            "{\"metadata\":{\"name\":\"deep\"},\"data\":"
                + "{\"a\":".repeat(10_000)
                + "1"
                + "}".repeat(10_000)
                + "}"),
        400,
        "BadRequest",
        "nesting");
    assertStatus(
        http.send(
            "POST",
            CMS,
            "application/yaml",
            "metadata: {name: deep-yaml}\ndata: " + "[".repeat(10_000) + "]".repeat(10_000) + "\n"),
        400,
        "BadRequest",
        "YAML");
    JsonNode namespace = http.getJson("/api/v1/namespaces/" + NS);
    assertStatus(
        http.send(
            "PATCH",
            "/api/v1/namespaces/" + NS,
            "application/merge-patch+json",
            "{\"metadata\":{\"labels\":"
                + "{\"a\":".repeat(10_000)
                + "1"
                + "}".repeat(10_000)
                + "}}"),
        400,
        "BadRequest",
        "nesting");
    assertEquals(namespace, http.getJson("/api/v1/namespaces/" + NS));
    assertNothingStored();
    assertStillServing();
  }

  @Test
  void duplicateKeys() {
    // Upstream refuses duplicate fields under fieldValidation=Strict (what kubectl sends); without
    // it the default is Warn, which keeps the last value and answers with a warning.
    String strict = CMS + "?fieldValidation=Strict";
    assertStatus(
        http.send(
            "POST",
            strict,
            "application/json",
            "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
                + "\"metadata\":{\"name\":\"dup\",\"name\":\"dup2\"}}"),
        400,
        "BadRequest",
        "duplicate");
    assertStatus(
        http.send(
            "POST",
            strict,
            "application/json",
            "{\"metadata\":{\"name\":\"dup-data\"}," + "\"data\":{\"k\":\"1\",\"k\":\"2\"}}"),
        400,
        "BadRequest",
        "duplicate");
    assertStatus(
        http.send(
            "POST",
            strict,
            "application/yaml",
            "metadata:\n  name: dup-yaml\ndata:\n  k: one\n  k: two\n"),
        400,
        "BadRequest",
        "duplicate");
    assertNothingStored();

    HttpResponse<String> warned =
        http.send(
            "POST",
            CMS,
            "application/json",
            "{\"metadata\":{\"name\":\"dup-warn\"},\"data\":{\"k\":\"1\",\"k\":\"2\"}}");
    assertEquals(201, warned.statusCode(), warned.body());
    assertTrue(
        warned.headers().allValues("Warning").stream()
            .anyMatch(
                w -> w.startsWith("299 ") && w.contains("duplicate field") && w.contains("data.k")),
        warned.headers().map().toString());
    assertEquals("2", http.getJson(CMS + "/dup-warn").at("/data/k").asText());
    assertEquals(200, http.send("DELETE", CMS + "/dup-warn", null, (String) null).statusCode());
  }

  @Test
  void invalidUtf8() {
    byte[] latin1 =
        "{\"metadata\":{\"name\":\"utf\"},\"data\":{\"k\":\"caf\u00e9\"}}"
            .getBytes(StandardCharsets.ISO_8859_1);
    assertStatus(
        http.send("POST", CMS, "application/json", latin1, http.token()),
        400,
        "BadRequest",
        "UTF-8");
    byte[] truncated =
        "{\"metadata\":{\"name\":\"utf2\"},\"data\":{\"k\":\"\u20ac\"}}"
            .getBytes(StandardCharsets.UTF_8);
    int euro = indexOf(truncated, (byte) 0xE2);
    byte[] cut = new byte[truncated.length - 1];
    System.arraycopy(truncated, 0, cut, 0, euro + 2);
    System.arraycopy(truncated, euro + 3, cut, euro + 2, truncated.length - euro - 3);
    assertStatus(
        http.send("POST", CMS, "application/json", cut, http.token()), 400, "BadRequest", "UTF-8");
    ByteArrayOutputStream yaml = new ByteArrayOutputStream();
    yaml.writeBytes("metadata: {name: utf3}\ndata: {k: \"".getBytes(StandardCharsets.US_ASCII));
    yaml.write(0xFF);
    yaml.writeBytes("\"}\n".getBytes(StandardCharsets.US_ASCII));
    assertStatus(
        http.send("POST", CMS, "application/yaml", yaml.toByteArray(), http.token()),
        400,
        "BadRequest",
        "YAML");
    assertNothingStored();
    assertStillServing();
  }

  @Test
  void hugeNumbers() {
    // Numbers no int64 or int32 field holds (issue 9: "huge numbers ... get a 4xx"): each is
    // refused naming the field, whether Jackson reads it as a double, a BigInteger or refuses it.
    String[] huge = {"1e99999", "123456789012345678901234567890", "9223372036854775808", "-1e400"};
    for (String n : huge) {
      refusedNaming(
          postJson("{\"metadata\":{\"name\":\"big\",\"generation\":" + n + "}}"), "generation", n);
      refusedNaming(
          http.send(
              "POST",
              "/apis/apps/v1/namespaces/" + NS + "/deployments",
              "application/json",
              "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"big\"},"
                  + "\"spec\":{\"replicas\":"
                  + n
                  + ",\"selector\":{\"matchLabels\":{\"a\":\"b\"}},\"template\":{\"metadata\":"
                  + "{\"labels\":{\"a\":\"b\"}},\"spec\":{\"containers\":[{\"name\":\"c\","
                  + "\"image\":\"nginx\"}]}}}}"),
          "replicas",
          n);
    }
    // Past the parser's length limit a number is refused before any field is read.
    assertStatus(
        postJson("{\"metadata\":{\"name\":\"big\",\"generation\":" + "9".repeat(5000) + "}}"),
        400,
        "BadRequest",
        "number");
    assertEquals(
        0,
        http.getJson("/apis/apps/v1/namespaces/" + NS + "/deployments").path("items").size(),
        "a Deployment with a huge replicas was stored");
    assertNothingStored();
    assertStillServing();
  }

  private static void refusedNaming(HttpResponse<String> r, String field, String number) {
    String context =
        number.substring(0, Math.min(40, number.length()))
            + " -> "
            + r.statusCode()
            + " "
            + r.body();
    assertTrue(r.statusCode() == 400 || r.statusCode() == 422, context);
    JsonNode status = RawHttp.parse(r.body());
    assertEquals("Status", status.path("kind").asText(), context);
    assertTrue(status.path("message").asText().contains(field), context);
  }

  private static int indexOf(byte[] bytes, byte b) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    throw new IllegalArgumentException();
  }

  private static void assertStillServing() {
    assertEquals("ok", http.get("/healthz").body());
    HttpResponse<String> created = postJson("{\"metadata\":{\"name\":\"after\"}}");
    assertEquals(201, created.statusCode(), created.body());
    assertEquals(200, http.send("DELETE", CMS + "/after", null, (String) null).statusCode());
  }
}
