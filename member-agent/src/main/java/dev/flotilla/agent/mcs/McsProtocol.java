package dev.flotilla.agent.mcs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.agent.kube.Json;
import java.util.List;

/**
 * The agent's half of the MCS report protocol: the trimmed manifests of the suspended Works an
 * agent writes into its execution namespace on the hub (names and labels: {@code McsNames}).
 */
public final class McsProtocol {
  private McsProtocol() {}

  /** The Service as MCS needs it: type, clusterIP, ports, affinity, readiness and families. */
  public static ObjectNode trimService(JsonNode svc) {
    ObjectNode out = Json.object();
    out.put("apiVersion", "v1");
    out.put("kind", "Service");
    ObjectNode meta = out.putObject("metadata");
    meta.put("name", Json.name(svc));
    meta.put("namespace", Json.namespace(svc));
    ObjectNode spec = out.putObject("spec");
    JsonNode s = svc.path("spec");
    spec.put("type", s.path("type").asText("ClusterIP"));
    for (String f :
        List.of(
            "clusterIP",
            "ports",
            "sessionAffinity",
            "sessionAffinityConfig",
            "publishNotReadyAddresses",
            "internalTrafficPolicy",
            "trafficDistribution",
            "ipFamilies")) {
      if (s.has(f) && !s.get(f).isNull()) {
        spec.set(f, s.get(f).deepCopy());
      }
    }
    return out;
  }

  /** An EndpointSlice as MCS needs it: address type, endpoints and ports. */
  public static ObjectNode trimSlice(JsonNode slice) {
    ObjectNode out = Json.object();
    out.put("apiVersion", "discovery.k8s.io/v1");
    out.put("kind", "EndpointSlice");
    ObjectNode meta = out.putObject("metadata");
    meta.put("name", Json.name(slice));
    meta.put("namespace", Json.namespace(slice));
    out.put("addressType", slice.path("addressType").asText("IPv4"));
    ArrayNode endpoints = out.putArray("endpoints");
    for (JsonNode e : slice.path("endpoints")) {
      ObjectNode t = endpoints.addObject();
      for (String f : List.of("addresses", "conditions", "hostname", "zone", "nodeName")) {
        if (e.has(f) && !e.get(f).isNull()) {
          t.set(f, e.get(f).deepCopy());
        }
      }
    }
    out.set("ports", slice.has("ports") ? slice.get("ports").deepCopy() : out.arrayNode());
    return out;
  }
}
