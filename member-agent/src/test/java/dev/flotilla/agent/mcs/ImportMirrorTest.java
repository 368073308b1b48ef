package dev.flotilla.agent.mcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.agent.kube.Json;
import org.junit.jupiter.api.Test;

class ImportMirrorTest {
  private static JsonNode json(String text) throws Exception {
    return Json.MAPPER.readTree(text);
  }

  @Test
  void clusterSetIpImportTakesTheDerivedServicesAddressesPortsAndAffinity() throws Exception {
    JsonNode derived =
        json(
            """
            {"spec":{"clusterIP":"10.96.0.9","clusterIPs":["10.96.0.9"],
              "sessionAffinity":"ClientIP","sessionAffinityConfig":{"clientIP":{"timeoutSeconds":60}},
              "ports":[{"name":"http","port":80,"targetPort":8080,"protocol":"TCP"}]}}
            """);
    JsonNode patch = ImportMirror.specPatch(derived, json("{\"type\":\"ClusterSetIP\"}"));
    assertEquals("[\"10.96.0.9\"]", patch.path("ips").toString());
    assertEquals("ClusterSetIP", patch.path("type").asText());
    assertEquals(
        "[{\"name\":\"http\",\"protocol\":\"TCP\",\"port\":80}]", patch.path("ports").toString());
    assertEquals(60, patch.at("/sessionAffinityConfig/clientIP/timeoutSeconds").asInt());
    assertNull(ImportMirror.specPatch(derived, patch), "nothing to change once mirrored");
  }

  @Test
  void headlessHasNoIpsAndAPropertyGoneFromTheServiceIsRemoved() throws Exception {
    JsonNode derived = json("{\"spec\":{\"clusterIP\":\"None\",\"ports\":[]}}");
    JsonNode have =
        json(
            "{\"type\":\"ClusterSetIP\",\"ips\":[\"10.96.0.9\"],\"trafficDistribution\":\"PreferClose\"}");
    JsonNode patch = ImportMirror.specPatch(derived, have);
    assertEquals("Headless", patch.path("type").asText());
    assertEquals(0, patch.path("ips").size());
    assertTrue(patch.get("trafficDistribution").isNull());
  }
}
