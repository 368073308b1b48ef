package dev.flotilla.controller.mcs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.controller.runtime.Trees;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Conflict resolution of the MCS KEP over the exports of one service: the oldest export (by its
 * creationTimestamp, then cluster name) decides the type and session affinity; ports are a union
 * keyed by name, and a port whose name is taken with another protocol or number is a conflict of
 * the newer export; ExternalName exports never take part.
 */
public final class ServiceMerge {
  private ServiceMerge() {}

  /** One cluster's export as reported: the export time, the trimmed Service, its slices. */
  public record Export(String cluster, String created, JsonNode service, List<JsonNode> slices) {
    boolean headless() {
      return "None".equals(Trees.text(service, "spec", "clusterIP"));
    }

    String type() {
      String t = Trees.text(service, "spec", "type");
      return t == null ? "ClusterIP" : t;
    }
  }

  /** The merged view: type, ports, affinity, the exports taking part and per-cluster conflicts. */
  public record Result(
      boolean headless,
      ArrayNode ports,
      String sessionAffinity,
      JsonNode sessionAffinityConfig,
      List<Export> exports,
      Map<String, String> conflicts) {}

  public static Result merge(List<Export> all) {
    List<Export> exports = new ArrayList<>();
    for (Export e : all) {
      if (!"ExternalName".equals(e.type())) {
        exports.add(e);
      }
    }
    exports.sort(
        Comparator.comparing((Export e) -> e.created() == null ? "" : e.created())
            .thenComparing(Export::cluster));
    Map<String, String> conflicts = new LinkedHashMap<>();
    ArrayNode ports = Trees.MAPPER.createArrayNode();
    if (exports.isEmpty()) {
      return new Result(false, ports, "None", null, exports, conflicts);
    }
    Export oldest = exports.get(0);
    String affinity =
        Objects.requireNonNullElse(Trees.text(oldest.service(), "spec", "sessionAffinity"), "None");
    JsonNode affinityConfig = oldest.service().path("spec").get("sessionAffinityConfig");
    Map<String, JsonNode> byName = new LinkedHashMap<>();
    for (Export e : exports) {
      List<String> problems = new ArrayList<>();
      if (e.headless() != oldest.headless()) {
        problems.add(
            "type "
                + (e.headless() ? "Headless" : "ClusterSetIP")
                + " conflicts with "
                + (oldest.headless() ? "Headless" : "ClusterSetIP")
                + " of the oldest export (cluster "
                + oldest.cluster()
                + ")");
      }
      String a =
          Objects.requireNonNullElse(Trees.text(e.service(), "spec", "sessionAffinity"), "None");
      if (!a.equals(affinity)) {
        problems.add(
            "sessionAffinity "
                + a
                + " conflicts with "
                + affinity
                + " of the oldest export (cluster "
                + oldest.cluster()
                + ")");
      }
      for (JsonNode p : e.service().path("spec").path("ports")) {
        String name = p.path("name").asText("");
        String protocol = p.path("protocol").asText("TCP");
        int port = p.path("port").asInt();
        JsonNode have = byName.get(name);
        if (have == null) {
          ObjectNode q = Trees.MAPPER.createObjectNode();
          if (!name.isEmpty()) {
            q.put("name", name);
          }
          q.put("protocol", protocol);
          if (p.has("appProtocol")) {
            q.set("appProtocol", p.get("appProtocol"));
          }
          q.put("port", port);
          byName.put(name, q);
          ports.add(q);
        } else if (!have.path("protocol").asText().equals(protocol)
            || have.path("port").asInt() != port) {
          problems.add(
              "port "
                  + (name.isEmpty() ? "(unnamed)" : name)
                  + " "
                  + port
                  + "/"
                  + protocol
                  + " conflicts with "
                  + have.path("port").asInt()
                  + "/"
                  + have.path("protocol").asText()
                  + " of an older export");
        }
      }
      if (!problems.isEmpty()) {
        conflicts.put(e.cluster(), String.join("; ", problems));
      }
    }
    return new Result(oldest.headless(), ports, affinity, affinityConfig, exports, conflicts);
  }
}
