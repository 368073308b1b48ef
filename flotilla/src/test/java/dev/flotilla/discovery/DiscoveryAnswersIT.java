package dev.flotilla.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The discovery API's answers to a service no member exports, and to HEAD. */
class DiscoveryAnswersIT {
  private static final String GROUP_VERSION = "/apis/discovery.flotilla.dev/v1";
  private static final String UNKNOWN =
      GROUP_VERSION + "/namespaces/default/services/nobody-exports-this/instances";
  private static DiscoveryHub fleet;

  @BeforeAll
  static void start() throws Exception {
    fleet = new DiscoveryHub("flotilla-discovery-answers");
  }

  @AfterAll
  static void stop() {
    if (fleet != null) {
      fleet.close();
    }
  }

  private static HttpResponse<String> send(String method, String path) throws Exception {
    return fleet.send(method, path, String.class).get(120, TimeUnit.SECONDS);
  }

  @Test
  void unknownServiceIsNotFoundWithAMessage() throws Exception {
    HttpResponse<String> r = send("GET", UNKNOWN);
    assertEquals(404, r.code(), r.body());
    JsonNode status = InstanceIndex.MAPPER.readTree(r.body());
    assertEquals("Status", status.path("kind").asText());
    assertEquals("NotFound", status.path("reason").asText());
    assertTrue(status.path("message").asText().contains("default/nobody-exports-this"), r.body());
    assertTrue(status.path("message").asText().contains("ServiceExport"), r.body());
  }

  @Test
  void headIsAnsweredAsGetWithoutBody() throws Exception {
    HttpResponse<String> head = send("HEAD", GROUP_VERSION);
    assertEquals(200, head.code());
    assertTrue(head.body() == null || head.body().isEmpty(), head.body());
    assertEquals(404, send("HEAD", UNKNOWN).code());
    assertEquals(405, send("DELETE", UNKNOWN).code());
  }
}
