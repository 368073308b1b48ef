package dev.flotilla.agent.mcs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.agent.kube.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The agent's half of the MCS report protocol: names and labels of the suspended Works an agent
 * writes into its execution namespace on the hub, and the trimmed manifests they hold.
 */
public final class McsProtocol {
  public static final String GROUP = "multicluster.x-k8s.io";
  public static final String ROLE = "flotilla.dev/mcs-role";
  public static final String SERVICE_NAMESPACE = "flotilla.dev/service-namespace";
  public static final String SERVICE_NAME = "flotilla.dev/service-name";
  public static final String EXPORT_MANAGED_BY = "endpointslice.karmada.io/managed-by";
  public static final String EXPORT_CREATED = "flotilla.dev/export-created";

  /** On an import report: {@code hub} (applied from a hub Work) or {@code member} (made there). */
  public static final String IMPORT_ORIGIN = "flotilla.dev/import-origin";

  /** On a derived Work: the derived Service's name in the consumer. */
  public static final String DERIVED_SERVICE = "flotilla.dev/derived-service";

  /** On a derived Work: comma-separated source clusters. */
  public static final String SOURCE_CLUSTERS = "flotilla.dev/source-clusters";

  public static final String MCS_SERVICE_NAME = "multicluster.kubernetes.io/service-name";
  public static final String KUBE_SERVICE_NAME = "kubernetes.io/service-name";

  private McsProtocol() {}

  /** {@code <kind>-<ns>-<svc>}, truncated with a hash suffix when longer than 63 characters. */
  public static String workName(String kind, String namespace, String service) {
    String name = kind + "-" + namespace + "-" + service;
    if (name.length() <= 63) {
      return name;
    }
    String hash = sha256(name).substring(0, 10);
    String head = name.substring(0, 63 - hash.length() - 1);
    while (head.endsWith("-") || head.endsWith(".")) {
      head = head.substring(0, head.length() - 1);
    }
    return head + "-" + hash;
  }

  static String sha256(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

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
