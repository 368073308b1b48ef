package dev.flotilla.agent.mcs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.agent.kube.Json;
import java.util.List;

/**
 * What a consumer's ServiceImport spec should say, given the derived Service the hub had made in
 * that cluster: its cluster IPs as {@code ips} (none when headless), the type, the ports without
 * target ports, and the affinity and traffic properties mcs-api's conformance copies. Pure.
 */
final class ImportMirror {
  /** Properties mirrored from the derived Service; one gone from it is removed with a null. */
  private static final List<String> MIRRORED =
      List.of("sessionAffinity", "sessionAffinityConfig", "trafficDistribution", "ipFamilies");

  private ImportMirror() {}

  /**
   * The JSON merge patch body for {@code spec}, or null when {@code have} already says it all.
   *
   * @param derived the derived Service as stored in the member
   * @param have the ServiceImport's current spec
   */
  static ObjectNode specPatch(JsonNode derived, JsonNode have) {
    JsonNode spec = derived.path("spec");
    boolean headless = "None".equals(spec.path("clusterIP").asText(""));
    ObjectNode want = Json.object();
    ArrayNode ips = want.putArray("ips");
    String ip = spec.path("clusterIP").asText("");
    JsonNode clusterIps = spec.path("clusterIPs");
    if (!headless && clusterIps.isArray() && !clusterIps.isEmpty()) {
      clusterIps.forEach(ips::add); // one per IP family, as a dual-stack derived Service has
    } else if (!headless && !ip.isEmpty()) {
      ips.add(ip);
    }
    want.put("type", headless ? "Headless" : "ClusterSetIP");
    ArrayNode ports = want.putArray("ports");
    for (JsonNode p : spec.path("ports")) {
      ObjectNode q = ports.addObject();
      if (p.has("name")) {
        q.set("name", p.get("name"));
      }
      q.put("protocol", p.path("protocol").asText("TCP"));
      if (p.has("appProtocol")) {
        q.set("appProtocol", p.get("appProtocol"));
      }
      q.put("port", p.path("port").asInt());
    }
    JsonNode haveIps =
        have.path("ips").isMissingNode() ? Json.MAPPER.createArrayNode() : have.get("ips");
    boolean differs =
        !ips.equals(haveIps)
            || !want.get("type").equals(have.path("type"))
            || !ports.equals(have.path("ports"));
    for (String f : MIRRORED) {
      JsonNode value = spec.path(f);
      if (headless && f.equals("sessionAffinityConfig")) {
        value = Json.MAPPER.missingNode();
      }
      if (value.isMissingNode() || value.isNull()) {
        if (have.has(f) && !have.get(f).isNull()) {
          want.putNull(f);
          differs = true;
        }
      } else {
        want.set(f, value.deepCopy());
        differs |= !value.equals(have.path(f));
      }
    }
    return differs ? want : null;
  }
}
