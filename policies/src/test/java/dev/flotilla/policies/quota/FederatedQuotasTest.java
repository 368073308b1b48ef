package dev.flotilla.policies.quota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FederatedQuotasTest {
  private static JsonNode yaml(String s) throws Exception {
    return new YAMLMapper().readTree(s);
  }

  @Test
  void aTemplateAsksForReplicasTimesItsPodRequests() throws Exception {
    JsonNode deployment =
        yaml(
            """
            apiVersion: apps/v1
            kind: Deployment
            spec:
              replicas: 3
              template:
                spec:
                  initContainers: [{resources: {requests: {cpu: "2"}}}]
                  containers:
                  - resources: {requests: {cpu: 250m, memory: 64Mi}}
                  - resources: {requests: {cpu: 250m}}
            """);
    // The init container's 2 cpu outweighs the app containers' 500m.
    assertEquals(
        Map.of("cpu", new BigDecimal("6"), "memory", new BigDecimal(3L * 64 * 1024 * 1024)),
        Map.copyOf(FederatedQuotas.templateUsage(deployment)));
    assertTrue(FederatedQuotas.templateUsage(yaml("{apiVersion: v1, kind: ConfigMap}")).isEmpty());
  }

  @Test
  void exceededNamesQuotaResourceSumAndLimit() throws Exception {
    JsonNode quota =
        yaml("{metadata: {name: team, namespace: ns}, spec: {overall: {cpu: '1', memory: 1Gi}}}");
    assertTrue(FederatedQuotas.exceeded(quota, Map.of("cpu", new BigDecimal("1"))).isEmpty());
    assertTrue(FederatedQuotas.exceeded(quota, Map.of("gpu", new BigDecimal("9"))).isEmpty());
    assertEquals(
        "FederatedResourceQuota(ns/team) exceeded for resource cpu: requested sum 1200m, limit 1.",
        FederatedQuotas.exceeded(quota, Map.of("cpu", new BigDecimal("1.2"))).orElseThrow());
  }

  @Test
  void statusSumsWhatMembersUse() throws Exception {
    JsonNode quota = yaml("{spec: {overall: {cpu: '2'}}}");
    JsonNode status =
        FederatedQuotas.status(
            quota,
            List.of(
                Map.entry("m1", yaml("{hard: {cpu: '1'}, used: {cpu: 300m}}")),
                Map.entry("m2", yaml("{hard: {cpu: '1'}, used: {cpu: 700m}}")),
                Map.entry("m3", yaml("null"))));
    assertEquals("1", status.path("overallUsed").path("cpu").asText());
    assertEquals(3, status.path("aggregatedStatus").size());
    assertEquals("m3", status.path("aggregatedStatus").path(2).path("clusterName").asText());
  }
}
