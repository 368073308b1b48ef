package dev.flotilla.sim.endpoints;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.Json;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EndpointShapesTest {
  private static ObjectNode json(String s) {
    try {
      return (ObjectNode) Json.MAPPER.readTree(s);
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static final ObjectNode SVC =
      json(
          "{\"apiVersion\":\"v1\",\"kind\":\"Service\","
              + "\"metadata\":{\"name\":\"web\",\"namespace\":\"ns\",\"uid\":\"u-1\",\"labels\":{\"t\":"
              + "\"x\"}},\"spec\":{\"clusterIP\":\"None\",\"selector\":{\"app\":\"web\"},\"ports\":[{"
              + "\"name\":\"http\",\"port\":80,\"targetPort\":\"http\",\"protocol\":\"TCP\"}]}}");

  private static ObjectNode pod(String name, String ip, boolean ready, boolean deleting) {
    ObjectNode pod =
        json(
            "{\"metadata\":{\"name\":\""
                + name
                + "\",\"namespace\":\"ns\","
                + "\"uid\":\"uid-"
                + name
                + "\",\"labels\":{\"app\":\"web\"}},\"spec\":{\"nodeName\":"
                + "\"n1\",\"hostname\":\""
                + name
                + "\",\"subdomain\":\"web\",\"containers\":[{\"name\":"
                + "\"c\",\"ports\":[{\"name\":\"http\",\"containerPort\":8080}]}]},\"status\":{\"phase\":"
                + "\"Running\",\"podIP\":\""
                + ip
                + "\",\"conditions\":[{\"type\":\"Ready\",\"status\":\""
                + (ready ? "True" : "False")
                + "\"}]}}");
    if (deleting) {
      pod.with("metadata").put("deletionTimestamp", "2026-01-01T00:00:00Z");
    }
    return pod;
  }

  @Test
  void sliceCarriesEveryPodWithConditionsAndResolvedPorts() {
    List<ObjectNode> pods =
        List.of(
            pod("b", "10.0.0.2", false, false),
            pod("a", "10.0.0.1", true, false),
            pod("c", "10.0.0.3", true, true));
    ObjectNode slice = EndpointShapes.slice(SVC, pods, Map.of("n1", "zone-a1"));
    assertTrue(slice.path("metadata").path("name").asText().startsWith("web-"));
    assertEquals(EndpointShapes.sliceName(SVC), slice.path("metadata").path("name").asText());
    JsonNode labels = slice.path("metadata").path("labels");
    assertEquals("web", labels.path(EndpointShapes.SERVICE_NAME).asText());
    assertEquals(EndpointShapes.CONTROLLER, labels.path(EndpointShapes.MANAGED_BY).asText());
    assertEquals("", labels.path(EndpointShapes.HEADLESS).asText("missing"));
    assertEquals("x", labels.path("t").asText());
    JsonNode eps = slice.path("endpoints");
    assertEquals(3, eps.size());
    assertEquals("a", eps.get(0).path("targetRef").path("name").asText());
    assertTrue(eps.get(0).path("conditions").path("ready").asBoolean());
    assertFalse(eps.get(1).path("conditions").path("ready").asBoolean());
    assertFalse(eps.get(2).path("conditions").path("ready").asBoolean());
    assertTrue(eps.get(2).path("conditions").path("serving").asBoolean());
    assertTrue(eps.get(2).path("conditions").path("terminating").asBoolean());
    assertEquals("zone-a1", eps.get(0).path("zone").asText());
    assertEquals("a", eps.get(0).path("hostname").asText());
    assertEquals(
        "[{\"name\":\"http\",\"port\":8080,\"protocol\":\"TCP\"}]", slice.path("ports").toString());
  }

  @Test
  void endpointsSplitReadyFromNotReadyAndDropTerminating() {
    ObjectNode ep =
        EndpointShapes.endpoints(
            SVC,
            List.of(
                pod("b", "10.0.0.2", false, false),
                pod("a", "10.0.0.10", true, false),
                pod("c", "10.0.0.3", true, true)));
    JsonNode subset = ep.path("subsets").get(0);
    assertEquals("10.0.0.10", subset.path("addresses").get(0).path("ip").asText());
    assertEquals(1, subset.path("notReadyAddresses").size());
    assertEquals(
        "true", ep.path("metadata").path("labels").path(EndpointShapes.SKIP_MIRROR).asText());
    assertFalse(EndpointShapes.endpoints(SVC, List.of()).has("subsets"));
  }
}
