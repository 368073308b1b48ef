package dev.flotilla.agent.mcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.agent.kube.Json;
import dev.flotilla.policies.names.McsNames;
import org.junit.jupiter.api.Test;

class McsProtocolTest {
  @Test
  void serviceIsTrimmedToWhatMcsNeeds() throws Exception {
    ObjectNode svc =
        (ObjectNode)
            Json.MAPPER.readTree(
                """
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"s","namespace":"n","uid":"u",
         "resourceVersion":"9","labels":{"a":"b"}},
         "spec":{"type":"ClusterIP","clusterIP":"10.0.0.1","clusterIPs":["10.0.0.1"],
         "selector":{"app":"x"},"ports":[{"name":"http","port":80,"targetPort":8080}],
         "sessionAffinity":"None","ipFamilies":["IPv4"],"internalTrafficPolicy":"Cluster"},
         "status":{"loadBalancer":{}}}""");
    ObjectNode t = McsProtocol.trimService(svc);
    assertEquals("s", t.path("metadata").path("name").asText());
    assertFalse(t.path("metadata").has("uid"));
    assertFalse(t.path("spec").has("selector"));
    assertFalse(t.has("status"));
    assertEquals(80, t.path("spec").path("ports").path(0).path("port").asInt());
    assertEquals("IPv4", t.path("spec").path("ipFamilies").path(0).asText());
  }

  @Test
  void slicesKeepAddressesConditionsAndHostnames() throws Exception {
    ObjectNode slice =
        (ObjectNode)
            Json.MAPPER.readTree(
                """
        {"metadata":{"name":"s-abc","namespace":"n","ownerReferences":[{}]},"addressType":"IPv4",
         "endpoints":[{"addresses":["10.1.0.2"],"conditions":{"ready":true},"hostname":"web-0",
         "zone":"z1","nodeName":"n1","targetRef":{"kind":"Pod"}}],
         "ports":[{"name":"http","port":8080,"protocol":"TCP"}]}""");
    ObjectNode t = McsProtocol.trimSlice(slice);
    var e = t.path("endpoints").path(0);
    assertEquals("web-0", e.path("hostname").asText());
    assertEquals("z1", e.path("zone").asText());
    assertFalse(e.has("targetRef"));
    assertFalse(t.path("metadata").has("ownerReferences"));
    assertEquals(8080, t.path("ports").path(0).path("port").asInt());
  }

  @Test
  void workNamesAreDnsLabels() {
    assertEquals("svcimport-ns-svc", McsNames.workName("svcimport", "ns", "svc"));
    assertEquals(63, McsNames.workName("svcimport", "x".repeat(40), "y".repeat(40)).length());
  }
}
