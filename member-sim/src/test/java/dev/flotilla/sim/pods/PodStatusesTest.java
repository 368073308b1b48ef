package dev.flotilla.sim.pods;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.sim.SimAnnotations;
import dev.flotilla.sim.engine.Same;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class PodStatusesTest {
  private static ObjectNode pod(String resources) {
    try {
      return (ObjectNode)
          Json.MAPPER.readTree(
              "{\"metadata\":{\"name\":\"p\"},\"spec\":{"
                  + "\"containers\":[{\"name\":\"c\",\"image\":\"nginx:1.27\",\"resources\":"
                  + resources
                  + "}]}}");
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  @Test
  void runningPodsAreReadyUnlessAnnotatedOrOnAnUnreadyNode() {
    ObjectNode pod = pod("{}");
    ObjectNode status = PodStatuses.running(pod, "192.168.1.2", "10.245.1.2", true, "t0");
    pod.set("status", status);
    assertEquals("Running", status.path("phase").asText());
    assertTrue(PodStatuses.isReady(pod));
    assertEquals("10.245.1.2", status.path("podIPs").get(0).path("ip").asText());
    assertTrue(
        status
            .path("containerStatuses")
            .get(0)
            .path("imageID")
            .asText()
            .startsWith("nginx@sha256:"));
    assertTrue(
        Same.json(status, PodStatuses.running(pod, "192.168.1.2", "10.245.1.2", true, "t1")),
        "recomputing an unchanged pod gives the same status");

    pod.with("metadata").with("annotations").put(SimAnnotations.READY, "false");
    pod.set("status", PodStatuses.running(pod, "192.168.1.2", "10.245.1.2", true, "t2"));
    assertFalse(PodStatuses.isReady(pod));
    assertEquals("Running", pod.path("status").path("phase").asText());

    ObjectNode other = pod("{}");
    other.set("status", PodStatuses.running(other, "h", "10.245.1.3", false, "t0"));
    assertFalse(PodStatuses.isReady(other));
  }

  @Test
  void qosClassFollowsRequestsAndLimits() {
    assertEquals("BestEffort", PodStatuses.qosClass(pod("{}").path("spec")));
    assertEquals(
        "Burstable", PodStatuses.qosClass(pod("{\"requests\":{\"cpu\":\"1\"}}").path("spec")));
    assertEquals(
        "Guaranteed",
        PodStatuses.qosClass(
            pod("{\"limits\":{\"cpu\":\"1\"," + "\"memory\":\"1Gi\"}}").path("spec")));
  }
}
