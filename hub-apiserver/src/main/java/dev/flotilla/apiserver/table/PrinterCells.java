package dev.flotilla.apiserver.table;

import static dev.flotilla.apiserver.table.Cells.at;
import static dev.flotilla.apiserver.table.Cells.bool;
import static dev.flotilla.apiserver.table.Cells.deleting;
import static dev.flotilla.apiserver.table.Cells.has;
import static dev.flotilla.apiserver.table.Cells.list;
import static dev.flotilla.apiserver.table.Cells.num;
import static dev.flotilla.apiserver.table.Cells.orNone;
import static dev.flotilla.apiserver.table.Cells.size;
import static dev.flotilla.apiserver.table.Cells.str;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The cells of built-in printers that need logic (the {@code @name} cells of
 * builtin-printers.yaml): core/v1 kinds here, the rest in {@link WorkloadCells} and {@link
 * InfraCells}; plus the formatting helpers they share.
 */
final class PrinterCells {
  private PrinterCells() {}

  /** Every named cell. */
  static Map<String, Cell> all() {
    Map<String, Cell> cells = new HashMap<>();
    core(cells);
    WorkloadCells.register(cells);
    InfraCells.register(cells);
    return cells;
  }

  private static void core(Map<String, Cell> cells) {
    cells.put("service.clusterIP", (o, now) -> orNone(clusterIp(at(o, "spec"))));
    cells.put("service.externalIP", (o, now) -> externalIp(o));
    cells.put("service.ports", (o, now) -> orNone(servicePorts(at(o, "spec"))));
    cells.put("endpoints", (o, now) -> endpoints(o));
    cells.put("node.status", (o, now) -> nodeStatus(o));
    cells.put("node.roles", (o, now) -> orNone(String.join(",", nodeRoles(o))));
    cells.put("node.internalIP", (o, now) -> nodeAddress(o, "InternalIP"));
    cells.put("node.externalIP", (o, now) -> nodeAddress(o, "ExternalIP"));
    cells.put(
        "secret.data",
        (o, now) -> {
          TreeSet<String> keys = new TreeSet<>();
          at(o, "data").fieldNames().forEachRemaining(keys::add);
          // A real server folds stringData into data on write; count what it would store.
          at(o, "stringData").fieldNames().forEachRemaining(keys::add);
          return (long) keys.size();
        });
    cells.put(
        "volume.phase",
        (o, now) -> deleting(o) ? "Terminating" : orDefault(str(o, "status", "phase"), "Pending"));
    cells.put(
        "persistentvolume.claim",
        (o, now) ->
            has(o, "spec", "claimRef")
                ? str(o, "spec", "claimRef", "namespace") + "/" + str(o, "spec", "claimRef", "name")
                : "");
    cells.put("storageClass", (o, now) -> storageClass(o));
    cells.put(
        "claim.capacity", (o, now) -> bound(o) ? str(o, "status", "capacity", "storage") : "");
    cells.put(
        "claim.accessModes",
        (o, now) -> bound(o) ? accessModes(at(o, "status", "accessModes")) : "");
    cells.put("componentstatus.status", (o, now) -> componentStatus(o)[0]);
    cells.put("componentstatus.message", (o, now) -> componentStatus(o)[1]);
    cells.put("componentstatus.error", (o, now) -> componentStatus(o)[2]);
    cells.put("configmap.data", (o, now) -> (long) (size(o, "data") + size(o, "binaryData")));
    cells.put("quota.requests", (o, now) -> quota(o, false));
    cells.put("quota.limits", (o, now) -> quota(o, true));
  }

  private static String clusterIp(JsonNode spec) {
    List<JsonNode> clusterIps = list(spec, "clusterIPs");
    return !clusterIps.isEmpty() ? clusterIps.get(0).asText() : str(spec, "clusterIP");
  }

  private static String externalIp(JsonNode o) {
    JsonNode spec = at(o, "spec");
    String type = orDefault(str(spec, "type"), "ClusterIP");
    return switch (type) {
      case "ClusterIP", "NodePort" -> {
        List<String> ips = texts(list(spec, "externalIPs"));
        yield ips.isEmpty() ? "<none>" : String.join(",", ips);
      }
      case "LoadBalancer" -> {
        String lb = loadBalancer(at(o, "status", "loadBalancer"));
        List<String> ips = texts(list(spec, "externalIPs"));
        if (!ips.isEmpty()) {
          List<String> all = new ArrayList<>();
          if (!lb.isEmpty()) {
            all.addAll(List.of(lb.split(",")));
          }
          all.addAll(ips);
          yield String.join(",", all);
        }
        yield lb.isEmpty() ? "<pending>" : lb;
      }
      case "ExternalName" -> str(spec, "externalName");
      default -> "<unknown>";
    };
  }

  private static String servicePorts(JsonNode spec) {
    List<String> ports = new ArrayList<>();
    for (JsonNode p : list(spec, "ports")) {
      String protocol = orDefault(str(p, "protocol"), "TCP");
      long nodePort = num(p, "nodePort");
      ports.add(
          nodePort > 0
              ? num(p, "port") + ":" + nodePort + "/" + protocol
              : num(p, "port") + "/" + protocol);
    }
    return String.join(",", ports);
  }

  /** Load-balancer ingress IPs (else hostnames), de-duplicated and sorted; never clipped. */
  static String loadBalancer(JsonNode status) {
    TreeSet<String> result = new TreeSet<>();
    for (JsonNode i : list(status, "ingress")) {
      if (!str(i, "ip").isEmpty()) {
        result.add(str(i, "ip"));
      } else if (!str(i, "hostname").isEmpty()) {
        result.add(str(i, "hostname"));
      }
    }
    return String.join(",", result);
  }

  private static String endpoints(JsonNode o) {
    List<JsonNode> subsets = list(o, "subsets");
    if (subsets.isEmpty()) {
      return "<none>";
    }
    List<String> shown = new ArrayList<>();
    int max = 3;
    boolean more = false;
    int count = 0;
    for (JsonNode ss : subsets) {
      List<JsonNode> addresses = list(ss, "addresses");
      List<JsonNode> ports = list(ss, "ports");
      if (ports.isEmpty()) {
        count += addresses.size();
        for (JsonNode a : addresses) {
          if (shown.size() == max) {
            more = true;
            break;
          }
          shown.add(str(a, "ip"));
        }
        continue;
      }
      for (JsonNode p : ports) {
        count += addresses.size();
        for (JsonNode a : addresses) {
          if (shown.size() == max) {
            more = true;
            break;
          }
          String ip = str(a, "ip");
          String host = ip.contains(":") ? "[" + ip + "]" : ip;
          shown.add(host + ":" + num(p, "port"));
        }
      }
    }
    String ret = String.join(",", shown);
    return more ? ret + " + " + (count - max) + " more..." : ret;
  }

  private static String nodeStatus(JsonNode o) {
    Map<String, JsonNode> conditions = new HashMap<>();
    for (JsonNode c : list(o, "status", "conditions")) {
      conditions.put(str(c, "type"), c);
    }
    List<String> status = new ArrayList<>();
    JsonNode readyCondition = conditions.get("Ready");
    if (readyCondition != null) {
      status.add(str(readyCondition, "status").equals("True") ? "Ready" : "NotReady");
    }
    if (status.isEmpty()) {
      status.add("Unknown");
    }
    if (bool(o, "spec", "unschedulable")) {
      status.add("SchedulingDisabled");
    }
    return String.join(",", status);
  }

  private static TreeSet<String> nodeRoles(JsonNode o) {
    TreeSet<String> roles = new TreeSet<>();
    at(o, "metadata", "labels")
        .fields()
        .forEachRemaining(
            e -> {
              String k = e.getKey();
              if (k.startsWith("node-role.kubernetes.io/")) {
                String role = k.substring("node-role.kubernetes.io/".length());
                if (!role.isEmpty()) {
                  roles.add(role);
                }
              } else if (k.equals("kubernetes.io/role") && !e.getValue().asText().isEmpty()) {
                roles.add(e.getValue().asText());
              }
            });
    return roles;
  }

  private static String nodeAddress(JsonNode o, String type) {
    for (JsonNode a : list(o, "status", "addresses")) {
      if (str(a, "type").equals(type)) {
        return str(a, "address");
      }
    }
    return "<none>";
  }

  private static boolean bound(JsonNode claim) {
    return !str(claim, "spec", "volumeName").isEmpty();
  }

  /** Status, message and error of the Healthy condition. */
  private static String[] componentStatus(JsonNode o) {
    for (JsonNode c : list(o, "conditions")) {
      if (str(c, "type").equals("Healthy")) {
        return new String[] {
          str(c, "status").equals("True") ? "Healthy" : "Unhealthy",
          str(c, "message"),
          str(c, "error")
        };
      }
    }
    return new String[] {"Unknown", "", ""};
  }

  /** Used and hard amounts, "limits.*" in the Limit column and everything else under Request. */
  private static String quota(JsonNode o, boolean limitsColumn) {
    TreeMap<String, String> hard = new TreeMap<>();
    at(o, "status", "hard")
        .fields()
        .forEachRemaining(e -> hard.put(e.getKey(), e.getValue().asText()));
    List<String> shown = new ArrayList<>();
    for (Map.Entry<String, String> e : hard.entrySet()) {
      String used = str(o, "status", "used", e.getKey());
      String text = e.getKey() + ": " + (used.isEmpty() ? "0" : used) + "/" + e.getValue();
      String[] pieces = e.getKey().split("\\.");
      boolean limit = pieces.length > 1 && pieces[0].equals("limits");
      if (limit == limitsColumn) {
        shown.add(text);
      }
    }
    return String.join(", ", shown);
  }

  // ---- helpers shared by the cells ----

  static String orDefault(String s, String fallback) {
    return s == null || s.isEmpty() ? fallback : s;
  }

  static String annotation(JsonNode o, String key) {
    return str(o, "metadata", "annotations", key);
  }

  static List<String> texts(List<JsonNode> nodes) {
    List<String> out = new ArrayList<>();
    nodes.forEach(n -> out.add(n.asText()));
    return out;
  }

  /** {@code GetAccessModesAsString}: RWO, ROX, RWX, RWOP in that order, de-duplicated. */
  static String accessModes(JsonNode modes) {
    List<String> present = texts(list(modes));
    List<String> out = new ArrayList<>();
    if (present.contains("ReadWriteOnce")) {
      out.add("RWO");
    }
    if (present.contains("ReadOnlyMany")) {
      out.add("ROX");
    }
    if (present.contains("ReadWriteMany")) {
      out.add("RWX");
    }
    if (present.contains("ReadWriteOncePod")) {
      out.add("RWOP");
    }
    return String.join(",", out);
  }

  /** The beta storage-class annotation wins over spec.storageClassName, as upstream. */
  private static String storageClass(JsonNode o) {
    JsonNode beta = at(o, "metadata", "annotations", "volume.beta.kubernetes.io/storage-class");
    if (!beta.isMissingNode()) {
      return beta.asText();
    }
    return str(o, "spec", "storageClassName");
  }
}
