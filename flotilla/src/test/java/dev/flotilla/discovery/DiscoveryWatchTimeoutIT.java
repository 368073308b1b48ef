package dev.flotilla.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.apiserver.HubConfig;
import dev.flotilla.apiserver.HubServer;
import dev.flotilla.cli.E2ESupport;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The discovery API's watch honours {@code timeoutSeconds} as a Kubernetes watch does: the stream
 * sends the current list, then ends cleanly when the time is up; a bad value is a 400.
 */
class DiscoveryWatchTimeoutIT {
  private static final String PATH =
      "/apis/discovery.flotilla.dev/v1/namespaces/default/services/web/instances";
  private static HubServer hub;
  private static KubernetesClient admin;
  private static DiscoveryApi api;

  @BeforeAll
  static void start() throws Exception {
    hub =
        HubServer.create(HubConfig.of(Files.createTempDirectory("flotilla-discovery-watch"), 0))
            .start();
    admin = E2ESupport.adminClient(hub);
    api = DiscoveryApi.install(hub, admin);
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
    if (admin != null) {
      admin.close();
    }
    if (hub != null) {
      hub.close();
    }
  }

  private static CompletableFuture<HttpResponse<InputStream>> send(String query) {
    HttpClient http = admin.getHttpClient();
    String url = admin.getMasterUrl().toString().replaceAll("/$", "") + PATH + query;
    return http.sendAsync(http.newHttpRequestBuilder().uri(url).build(), InputStream.class);
  }

  @Test
  void watchEndsCleanlyAfterTimeoutSeconds() throws Exception {
    // Every spelling Go's strconv.ParseBool takes for true starts a watch (Python's client sends
    // "True"). A list is one line too, but only a list carries an ETag.
    for (String t : List.of("true", "True", "TRUE", "t", "1")) {
      watchEnds("?watch=" + t + "&timeoutSeconds=2");
    }
  }

  @Test
  void badBooleanIsBadRequest() throws Exception {
    HttpResponse<InputStream> response = send("?watch=yes").get(120, TimeUnit.SECONDS);
    String body;
    try (InputStream in = response.body()) {
      body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertEquals(400, response.code(), body);
    assertTrue(body.contains("strconv.ParseBool"), body);
  }

  private static void watchEnds(String query) throws Exception {
    HttpResponse<InputStream> response = send(query).get(120, TimeUnit.SECONDS);
    assertEquals(200, response.code());
    assertEquals(null, response.header("ETag"), query + " was answered as a list");
    // Reading to the end returns only because the server ends the stream: without the timeout
    // this watch stays open (and the read is bounded by the generous wait below).
    String body =
        CompletableFuture.supplyAsync(
                () -> {
                  try (InputStream in = response.body()) {
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                })
            .get(120, TimeUnit.SECONDS);
    List<String> lines = body.strip().lines().toList();
    assertEquals(1, lines.size(), body);
    JsonNode first = InstanceIndex.MAPPER.readTree(lines.get(0));
    assertEquals("InstanceList", first.path("kind").asText());
    assertTrue(first.path("instances").isArray(), body);
  }

  @Test
  void badTimeoutIsBadRequest() throws Exception {
    for (String bad : List.of("-1", "soon", "1.5")) {
      HttpResponse<InputStream> response =
          send("?watch=true&timeoutSeconds=" + bad).get(120, TimeUnit.SECONDS);
      String body;
      try (InputStream in = response.body()) {
        body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      assertEquals(400, response.code(), body);
      assertTrue(body.contains("timeoutSeconds"), body);
    }
  }
}
