package dev.flotilla.apiserver.it;

import static dev.flotilla.apiserver.it.Fabric8Support.client;
import static dev.flotilla.apiserver.it.Fabric8Support.configMap;
import static dev.flotilla.apiserver.it.Fabric8Support.failsWith;
import static dev.flotilla.apiserver.it.Fabric8Support.raw;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.apiserver.HubConfig;
import dev.flotilla.apiserver.HubServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bearer tokens: unknown ones get 401, token-file users outside system:masters get 403. */
class Fabric8AuthIT {
  private static HubServer server;
  private static KubernetesClient admin;

  @BeforeAll
  static void start() throws IOException {
    Path dataDir = Files.createTempDirectory("flotilla-auth-it");
    Path tokens = Files.createTempFile("tokens", ".csv");
    Files.writeString(tokens, "tok123,viewer,uid1,\"devs\"\n");
    server =
        HubServer.create(
                new HubConfig(dataDir, "127.0.0.1", 0, Optional.of(tokens), List.of(), false))
            .start();
    admin = client(server, server.authenticator().adminToken(), b -> b);
  }

  @AfterAll
  static void stop() {
    admin.close();
    server.close();
  }

  @Test
  void adminTokenIsAllowed() {
    admin
        .configMaps()
        .inNamespace("default")
        .resource(configMap("admin-made", Map.of(), Map.of()))
        .create();
    assertEquals(
        "admin-made",
        admin
            .configMaps()
            .inNamespace("default")
            .withName("admin-made")
            .get()
            .getMetadata()
            .getName());
  }

  @Test
  void unknownTokenIsUnauthorized() {
    try (KubernetesClient stranger = client(server, "not-a-valid-token", b -> b)) {
      KubernetesClientException e =
          failsWith(401, "Unauthorized", () -> stranger.configMaps().inNamespace("default").list());
      assertEquals(401, e.getStatus().getCode());
      failsWith(401, "Unauthorized", () -> stranger.namespaces().withName("default").get());

      Fabric8Support.Raw raw = raw(stranger, "GET", "/api/v1/namespaces/default/configmaps");
      assertEquals(401, raw.code());
      JsonNode status = raw.json();
      assertEquals("Status", status.path("kind").asText(), raw.body());
      assertEquals("v1", status.path("apiVersion").asText(), raw.body());
      assertEquals("Failure", status.path("status").asText(), raw.body());
      assertEquals("Unauthorized", status.path("reason").asText(), raw.body());
      assertEquals(401, status.path("code").asInt(), raw.body());
      assertEquals(401, raw(stranger, "GET", "/api").code(), "discovery needs a valid token too");
    }
  }

  @Test
  void tokenFileUserOutsideMastersIsForbidden() {
    try (KubernetesClient viewer = client(server, "tok123", b -> b)) {
      KubernetesClientException list =
          failsWith(403, "Forbidden", () -> viewer.configMaps().inNamespace("default").list());
      String message = list.getStatus().getMessage();
      assertTrue(message.contains("\"viewer\"") && message.contains("configmaps"), message);
      failsWith(
          403,
          "Forbidden",
          () ->
              viewer
                  .configMaps()
                  .inNamespace("default")
                  .resource(configMap("viewer-made", Map.of(), Map.of()))
                  .create());
      failsWith(403, "Forbidden", () -> viewer.namespaces().withName("default").get());
      failsWith(403, "Forbidden", () -> viewer.configMaps().inAnyNamespace().list());
      assertFalse(
          admin.configMaps().inNamespace("default").list().getItems().stream()
              .anyMatch(cm -> cm.getMetadata().getName().equals("viewer-made")));

      Fabric8Support.Raw raw = raw(viewer, "GET", "/api/v1/namespaces/default/configmaps");
      assertEquals(403, raw.code());
      assertEquals("Status", raw.json().path("kind").asText(), raw.body());
      assertEquals("Forbidden", raw.json().path("reason").asText(), raw.body());

      // Authenticated, so discovery is readable (system:discovery is bound to authenticated).
      assertEquals(200, raw(viewer, "GET", "/api").code());
      assertEquals(200, raw(viewer, "GET", "/apis").code());
    }
  }
}
