package dev.flotilla.apiserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.ObjectHook;
import dev.flotilla.apiserver.registry.ResourceType;
import dev.flotilla.fixtures.RawHttp;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An {@link Error} thrown while serving a request (here by an admission hook; in the wild a
 * StackOverflowError on hostile input) still answers with a 500 Status instead of leaving the
 * request unanswered.
 */
class RouterErrorIT {
  private static TestHub hub;
  private static RawHttp http;

  @BeforeAll
  static void start() {
    hub = TestHub.start();
    hub.server()
        .storage()
        .addHook(
            "limitranges",
            new ObjectHook() {
              @Override
              public void beforeCreate(ResourceType type, ObjectNode obj) {
                throw new StackOverflowError("hook recursed too deep");
              }
            });
    http = hub.http();
  }

  @AfterAll
  static void stop() {
    if (hub != null) {
      hub.close();
    }
  }

  @Test
  void anErrorInTheRequestPathIsA500Status() throws Exception {
    HttpResponse<String> r =
        http.send(
            "POST",
            "/api/v1/namespaces/default/limitranges",
            "application/json",
            "{\"apiVersion\":\"v1\",\"kind\":\"LimitRange\",\"metadata\":{\"name\":\"l\"}}"
                .getBytes(StandardCharsets.UTF_8),
            hub.adminToken());
    assertEquals(500, r.statusCode(), r.body());
    JsonNode status = RawHttp.JSON.readTree(r.body());
    assertEquals("Status", status.path("kind").asText());
    assertEquals("InternalError", status.path("reason").asText());
    assertTrue(status.path("message").asText().contains("hook recursed too deep"), r.body());
  }
}
