package dev.flotilla.controller.mcs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.controller.runtime.Trees;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Conflict resolution of the MCS KEP over the exports of one service: the oldest export (by its
 * creationTimestamp, then cluster name) decides headlessness, session affinity and its config,
 * internalTrafficPolicy, trafficDistribution and IP families; ports are a union keyed by name, and
 * a port whose name is taken with another protocol or number is a conflict of the newer export;
 * ExternalName exports never take part. Conflicts carry mcs-api's reasons (PortConflict,
 * TypeConflict, ...), comma-joined as the API allows.
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

    JsonNode spec(String field) {
      JsonNode v = service.path("spec").path(field);
      return v.isNull() ? MissingNode.getInstance() : v;
    }
  }

  /** Why one export conflicts: mcs-api reason names and a sentence per problem. */
  public record Conflict(Set<String> reasons, List<String> problems) {
    /** The condition reason: the reasons in the order found, comma-joined. */
    public String reason() {
      return String.join(",", reasons);
    }

    public String message() {
      return String.join("; ", problems);
    }
  }

  /** The merged view: properties of the oldest export, the port union, per-cluster conflicts. */
  public record Result(
      boolean headless,
      ArrayNode ports,
      String sessionAffinity,
      JsonNode sessionAffinityConfig,
      JsonNode internalTrafficPolicy,
      JsonNode trafficDistribution,
      JsonNode ipFamilies,
      List<Export> exports,
      Map<String, Conflict> conflicts) {}

  /** A property decided by the oldest export, with the reason raised when a newer one differs. */
  private record Property(String field, String reason) {}

  private static final List<Property> OLDEST_WINS =
      List.of(
          new Property("sessionAffinityConfig", "SessionAffinityConfigConflict"),
          new Property("internalTrafficPolicy", "InternalTrafficPolicyConflict"),
          new Property("trafficDistribution", "TrafficDistributionConflict"),
          new Property("ipFamilies", "IPFamilyConflict"));

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
    Map<String, Conflict> conflicts = new LinkedHashMap<>();
    ArrayNode ports = Trees.MAPPER.createArrayNode();
    if (exports.isEmpty()) {
      JsonNode none = MissingNode.getInstance();
      return new Result(false, ports, "None", null, none, none, none, exports, conflicts);
    }
    Export oldest = exports.get(0);
    String affinity = affinity(oldest);
    Map<String, JsonNode> byName = new LinkedHashMap<>();
    for (Export e : exports) {
      Conflict c = new Conflict(new LinkedHashSet<>(), new ArrayList<>());
      if (e.headless() != oldest.headless()) {
        c.reasons().add("TypeConflict");
        c.problems()
            .add(
                "type "
                    + kind(e)
                    + " conflicts with "
                    + kind(oldest)
                    + " of the oldest export (cluster "
                    + oldest.cluster()
                    + ")");
      }
      if (!affinity(e).equals(affinity)) {
        c.reasons().add("SessionAffinityConflict");
        c.problems()
            .add(
                "sessionAffinity "
                    + affinity(e)
                    + " conflicts with "
                    + affinity
                    + " of the oldest export (cluster "
                    + oldest.cluster()
                    + ")");
      }
      for (Property p : OLDEST_WINS) {
        if (!e.spec(p.field()).equals(oldest.spec(p.field()))) {
          c.reasons().add(p.reason());
          c.problems()
              .add(
                  p.field()
                      + " "
                      + shown(e.spec(p.field()))
                      + " conflicts with "
                      + shown(oldest.spec(p.field()))
                      + " of the oldest export (cluster "
                      + oldest.cluster()
                      + ")");
        }
      }
      mergePorts(e, byName, ports, c);
      if (!c.reasons().isEmpty()) {
        conflicts.put(e.cluster(), c);
      }
    }
    JsonNode affinityConfig = oldest.spec("sessionAffinityConfig");
    return new Result(
        oldest.headless(),
        ports,
        affinity,
        affinityConfig.isMissingNode() ? null : affinityConfig,
        oldest.spec("internalTrafficPolicy"),
        oldest.spec("trafficDistribution"),
        oldest.spec("ipFamilies"),
        exports,
        conflicts);
  }

  private static void mergePorts(
      Export e, Map<String, JsonNode> byName, ArrayNode ports, Conflict c) {
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
        c.reasons().add("PortConflict");
        c.problems()
            .add(
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
  }

  private static String affinity(Export e) {
    return Objects.requireNonNullElse(Trees.text(e.service(), "spec", "sessionAffinity"), "None");
  }

  private static String kind(Export e) {
    return e.headless() ? "Headless" : "ClusterSetIP";
  }

  private static String shown(JsonNode v) {
    return v.isMissingNode() ? "(unset)" : v.isTextual() ? v.asText() : v.toString();
  }
}
