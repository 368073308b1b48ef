package dev.flotilla.controller.mcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.controller.runtime.Trees;
import dev.flotilla.policies.names.McsNames;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceMergeTest {
  static JsonNode svc(String type, String clusterIp, String affinity, Object... ports) {
    ObjectNode s = Trees.MAPPER.createObjectNode();
    ObjectNode spec = s.putObject("spec");
    spec.put("type", type);
    if (clusterIp != null) {
      spec.put("clusterIP", clusterIp);
    }
    spec.put("sessionAffinity", affinity);
    var arr = spec.putArray("ports");
    for (int i = 0; i < ports.length; i += 3) {
      arr.addObject()
          .put("name", (String) ports[i])
          .put("port", (Integer) ports[i + 1])
          .put("protocol", (String) ports[i + 2]);
    }
    return s;
  }

  static ServiceMerge.Export export(String cluster, String created, JsonNode svc) {
    return new ServiceMerge.Export(cluster, created, svc, List.of());
  }

  @Test
  void oldestWinsAndPortsUnionByName() {
    var r =
        ServiceMerge.merge(
            List.of(
                export(
                    "b",
                    "2026-01-02T00:00:00Z",
                    svc(
                        "ClusterIP",
                        "10.0.0.2",
                        "ClientIP",
                        "http",
                        80,
                        "TCP",
                        "grpc",
                        9090,
                        "TCP")),
                export(
                    "a",
                    "2026-01-01T00:00:00Z",
                    svc("ClusterIP", "10.0.0.1", "None", "http", 80, "TCP"))));
    assertEquals("a", r.exports().get(0).cluster());
    assertEquals("None", r.sessionAffinity());
    assertEquals(2, r.ports().size());
    assertEquals("grpc", r.ports().get(1).path("name").asText());
    assertEquals("SessionAffinityConflict", r.conflicts().get("b").reason());
    assertTrue(r.conflicts().get("b").message().contains("sessionAffinity ClientIP"));
    assertFalse(r.conflicts().containsKey("a"));
    assertFalse(r.headless());
  }

  @Test
  void portConflictGoesToTheNewerExport() {
    var r =
        ServiceMerge.merge(
            List.of(
                export(
                    "old",
                    "2026-01-01T00:00:00Z",
                    svc("ClusterIP", "10.0.0.1", "None", "http", 80, "TCP")),
                export(
                    "new",
                    "2026-01-01T00:00:01Z",
                    svc("ClusterIP", "10.0.0.2", "None", "http", 8081, "TCP"))));
    assertEquals(1, r.ports().size());
    assertEquals(80, r.ports().get(0).path("port").asInt());
    assertEquals("PortConflict", r.conflicts().get("new").reason());
    assertTrue(r.conflicts().get("new").message().contains("8081"));
    assertFalse(r.conflicts().containsKey("old"));
  }

  @Test
  void externalNameNeverMergesAndHeadlessFollowsTheOldest() {
    var r =
        ServiceMerge.merge(
            List.of(
                export("x", "2025-01-01T00:00:00Z", svc("ExternalName", null, "None")),
                export(
                    "h",
                    "2026-01-01T00:00:00Z",
                    svc("ClusterIP", "None", "None", "tcp", 5432, "TCP")),
                export(
                    "c",
                    "2026-01-02T00:00:00Z",
                    svc("ClusterIP", "10.0.0.3", "None", "tcp", 5432, "TCP"))));
    assertEquals(2, r.exports().size());
    assertTrue(r.headless());
    assertEquals("TypeConflict", r.conflicts().get("c").reason());
    assertTrue(r.conflicts().get("c").message().contains("ClusterSetIP conflicts with Headless"));
  }

  // mcs-api v1beta1 conformance: affinity config, internalTrafficPolicy and trafficDistribution are
  // copied from the oldest export; reasons are comma-joined when several properties differ.
  @Test
  void oldestDecidesTrafficPropertiesAndReasonsAreJoined() {
    ObjectNode older = (ObjectNode) svc("ClusterIP", "10.0.0.1", "None", "http", 80, "TCP");
    ((ObjectNode) older.get("spec")).put("internalTrafficPolicy", "Local");
    ((ObjectNode) older.get("spec")).put("trafficDistribution", "PreferClose");
    ObjectNode newer = (ObjectNode) svc("ClusterIP", "10.0.0.2", "None", "http", 81, "TCP");
    ((ObjectNode) newer.get("spec")).put("internalTrafficPolicy", "Cluster");
    ((ObjectNode) newer.get("spec")).putArray("ipFamilies").add("IPv6");
    var r =
        ServiceMerge.merge(
            List.of(
                export("n", "2026-01-02T00:00:00Z", newer),
                export("o", "2026-01-01T00:00:00Z", older)));
    assertEquals("Local", r.internalTrafficPolicy().asText());
    assertEquals("PreferClose", r.trafficDistribution().asText());
    assertTrue(r.ipFamilies().isMissingNode());
    assertEquals(
        "InternalTrafficPolicyConflict,TrafficDistributionConflict,IPFamilyConflict,PortConflict",
        r.conflicts().get("n").reason());
    assertFalse(r.conflicts().containsKey("o"));
  }

  @Test
  void noExportsMeansNothingMerged() {
    var r = ServiceMerge.merge(List.of(export("x", null, svc("ExternalName", null, "None"))));
    assertTrue(r.exports().isEmpty());
    assertTrue(r.conflicts().isEmpty());
  }

  @Test
  void longNamesAreTruncatedWithAHash() {
    String n =
        McsNames.workName(
            "svcexport", "a-very-long-namespace-name-for-testing", "and-a-long-service-name-too");
    assertEquals(63, n.length());
    assertEquals(
        n,
        McsNames.workName(
            "svcexport", "a-very-long-namespace-name-for-testing", "and-a-long-service-name-too"));
    assertEquals("svcexport-default-serve", McsNames.workName("svcexport", "default", "serve"));
  }
}
