package dev.flotilla.apiserver.table;

import static dev.flotilla.apiserver.table.Cells.at;
import static dev.flotilla.apiserver.table.Cells.bool;
import static dev.flotilla.apiserver.table.Cells.condition;
import static dev.flotilla.apiserver.table.Cells.deleting;
import static dev.flotilla.apiserver.table.Cells.formatSelector;
import static dev.flotilla.apiserver.table.Cells.has;
import static dev.flotilla.apiserver.table.Cells.list;
import static dev.flotilla.apiserver.table.Cells.listWithMore;
import static dev.flotilla.apiserver.table.Cells.name;
import static dev.flotilla.apiserver.table.Cells.num;
import static dev.flotilla.apiserver.table.Cells.size;
import static dev.flotilla.apiserver.table.Cells.str;
import static dev.flotilla.apiserver.table.PrinterCells.annotation;
import static dev.flotilla.apiserver.table.PrinterCells.texts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The named cells of networking, discovery, storage, RBAC, certificates, flow control, API
 * registration, admission and resource.k8s.io printers.
 */
final class InfraCells {
  private InfraCells() {}

  static void register(Map<String, Cell> cells) {
    networking(cells);
    storage(cells);
    rbac(cells);
    cluster(cells);
  }

  private static void networking(Map<String, Cell> cells) {
    cells.put("ingress.hosts", (o, now) -> ingressHosts(o));
    cells.put(
        "ingress.address", (o, now) -> PrinterCells.loadBalancer(at(o, "status", "loadBalancer")));
    cells.put("ingress.ports", (o, now) -> size(o, "spec", "tls") > 0 ? "80, 443" : "80");
    cells.put(
        "ingressclass.parameters",
        (o, now) -> {
          JsonNode p = at(o, "spec", "parameters");
          if (!p.isObject()) {
            return "<none>";
          }
          String params = str(p, "kind");
          if (has(p, "apiGroup")) {
            params += "." + str(p, "apiGroup");
          }
          return params + "/" + str(p, "name");
        });
    cells.put(
        "networkpolicy.podSelector",
        (o, now) -> {
          JsonNode sel = at(o, "spec", "podSelector");
          return formatSelector(sel.isMissingNode() ? JsonNodeFactory.instance.objectNode() : sel);
        });
    cells.put("ipaddress.parentRef", (o, now) -> parentRef(at(o, "spec", "parentRef")));
    cells.put(
        "endpointslice.ports",
        (o, now) -> {
          List<String> ports = new ArrayList<>();
          for (JsonNode p : list(o, "ports")) {
            ports.add(
                has(p, "port")
                    ? Long.toString(num(p, "port"))
                    : has(p, "name") ? str(p, "name") : "*");
          }
          return listWithMore(ports, 3);
        });
    cells.put(
        "endpointslice.endpoints",
        (o, now) -> {
          List<String> addresses = new ArrayList<>();
          for (JsonNode e : list(o, "endpoints")) {
            addresses.addAll(texts(list(e, "addresses")));
          }
          return listWithMore(addresses, 3);
        });
  }

  private static String ingressHosts(JsonNode o) {
    List<JsonNode> rules = list(o, "spec", "rules");
    List<String> hosts = new ArrayList<>();
    boolean more = false;
    for (JsonNode rule : rules) {
      if (hosts.size() == 3) {
        more = true;
      }
      if (!more && !str(rule, "host").isEmpty()) {
        hosts.add(str(rule, "host"));
      }
    }
    return hosts.isEmpty()
        ? "*"
        : String.join(",", hosts) + (more ? " + " + (rules.size() - 3) + " more..." : "");
  }

  private static String parentRef(JsonNode ref) {
    if (!ref.isObject()) {
      return "<none>";
    }
    String group = str(ref, "group");
    String resource = str(ref, "resource");
    String parent = (group.isEmpty() ? resource : resource + "." + group).toLowerCase(Locale.ROOT);
    if (!str(ref, "namespace").isEmpty()) {
      parent += "/" + str(ref, "namespace");
    }
    return parent + "/" + str(ref, "name");
  }

  private static void storage(Map<String, Cell> cells) {
    cells.put(
        "storageclass.name",
        (o, now) ->
            annotation(o, "storageclass.kubernetes.io/is-default-class").equals("true")
                    || annotation(o, "storageclass.beta.kubernetes.io/is-default-class")
                        .equals("true")
                ? name(o) + " (default)"
                : name(o));
    cells.put(
        "volumeattributesclass.name",
        (o, now) ->
            annotation(o, "storage.kubernetes.io/is-default-class").equals("true")
                ? name(o) + " (default)"
                : name(o));
    cells.put(
        "csidriver.attachRequired",
        (o, now) -> !has(o, "spec", "attachRequired") || bool(o, "spec", "attachRequired"));
    cells.put(
        "csidriver.tokenRequests",
        (o, now) -> {
          if (!at(o, "spec", "tokenRequests").isArray()) {
            return "<unset>";
          }
          List<String> audiences = new ArrayList<>();
          list(o, "spec", "tokenRequests").forEach(t -> audiences.add(str(t, "audience")));
          return String.join(",", audiences);
        });
    cells.put(
        "csidriver.modes",
        (o, now) -> {
          List<String> modes = texts(list(o, "spec", "volumeLifecycleModes"));
          return modes.isEmpty() ? "Persistent" : String.join(",", modes);
        });
  }

  private static void rbac(Map<String, Cell> cells) {
    cells.put(
        "binding.role", (o, now) -> str(o, "roleRef", "kind") + "/" + str(o, "roleRef", "name"));
    cells.put("binding.users", (o, now) -> subjects(o, "User"));
    cells.put("binding.groups", (o, now) -> subjects(o, "Group"));
    cells.put("binding.serviceAccounts", (o, now) -> subjects(o, "ServiceAccount"));
  }

  /** Names of a binding's subjects of one kind; service accounts as namespace/name. */
  private static String subjects(JsonNode o, String kind) {
    List<String> names = new ArrayList<>();
    for (JsonNode s : list(o, "subjects")) {
      if (str(s, "kind").equals(kind)) {
        names.add(
            kind.equals("ServiceAccount")
                ? str(s, "namespace") + "/" + str(s, "name")
                : str(s, "name"));
      }
    }
    return String.join(", ", names);
  }

  private static void cluster(Map<String, Cell> cells) {
    cells.put(
        "csr.requestedDuration",
        (o, now) ->
            has(o, "spec", "expirationSeconds")
                ? HumanDuration.format(Duration.ofSeconds(num(o, "spec", "expirationSeconds")))
                : "<none>");
    cells.put("csr.condition", (o, now) -> csrCondition(o));
    cells.put(
        "flowschema.distinguisherMethod",
        (o, now) ->
            has(o, "spec", "distinguisherMethod")
                ? str(o, "spec", "distinguisherMethod", "type")
                : "<none>");
    cells.put(
        "flowschema.missingPL",
        (o, now) -> {
          JsonNode dangling = condition(at(o, "status", "conditions"), "Dangling");
          return dangling == null ? "?" : str(dangling, "status");
        });
    cells.put(
        "prioritylevel.nominalConcurrencyShares",
        (o, now) -> limited(o, false, "nominalConcurrencyShares"));
    cells.put("prioritylevel.queues", (o, now) -> limited(o, true, "queues"));
    cells.put("prioritylevel.handSize", (o, now) -> limited(o, true, "handSize"));
    cells.put("prioritylevel.queueLengthLimit", (o, now) -> limited(o, true, "queueLengthLimit"));
    cells.put(
        "storageversion.storageVersions",
        (o, now) -> {
          List<String> versions = new ArrayList<>();
          for (JsonNode sv : list(o, "status", "storageVersions")) {
            versions.add(str(sv, "apiServerID") + "=" + str(sv, "encodingVersion"));
          }
          return listWithMore(versions, 3);
        });
    cells.put(
        "storageversionmigration.resource",
        (o, now) ->
            str(o, "spec", "resource", "resource")
                + "."
                + str(o, "spec", "resource", "version")
                + "."
                + str(o, "spec", "resource", "group"));
    cells.put(
        "apiservice.service",
        (o, now) ->
            at(o, "spec", "service").isObject()
                ? str(o, "spec", "service", "namespace") + "/" + str(o, "spec", "service", "name")
                : "Local");
    cells.put("apiservice.available", (o, now) -> available(o));
    cells.put(
        "admissionpolicy.paramKind",
        (o, now) -> {
          JsonNode k = at(o, "spec", "paramKind");
          return k.isObject() ? str(k, "apiVersion") + "/" + str(k, "kind") : "<unset>";
        });
    cells.put("policybinding.paramRef", (o, now) -> paramRef(at(o, "spec", "paramRef")));
    cells.put("resourceclaim.state", (o, now) -> claimState(o));
  }

  private static String csrCondition(JsonNode o) {
    boolean approved = false;
    boolean denied = false;
    boolean failed = false;
    for (JsonNode c : list(o, "status", "conditions")) {
      switch (str(c, "type")) {
        case "Approved" -> approved = true;
        case "Denied" -> denied = true;
        case "Failed" -> failed = true;
        default -> {}
      }
    }
    String condition = denied ? "Denied" : approved ? "Approved" : "Pending";
    if (failed) {
      condition += ",Failed";
    }
    if (!str(o, "status", "certificate").isEmpty()) {
      condition += ",Issued";
    }
    return condition;
  }

  /** A Limited priority level's number, "<none>" when not limited (or without queuing). */
  private static Object limited(JsonNode o, boolean queuing, String field) {
    JsonNode limited = at(o, "spec", "limited");
    if (!limited.isObject()) {
      return "<none>";
    }
    if (!queuing) {
      return num(limited, field);
    }
    JsonNode q = at(limited, "limitResponse", "queuing");
    return q.isObject() ? (Object) num(q, field) : "<none>";
  }

  private static String available(JsonNode o) {
    JsonNode c = condition(at(o, "status", "conditions"), "Available");
    if (c == null) {
      return "Unknown";
    }
    String s = str(c, "status");
    return s.equals("True") || str(c, "reason").isEmpty() ? s : s + " (" + str(c, "reason") + ")";
  }

  private static String paramRef(JsonNode ref) {
    if (ref.isObject()) {
      if (!str(ref, "name").isEmpty()) {
        return (str(ref, "namespace").isEmpty() ? "*" : str(ref, "namespace"))
            + "/"
            + str(ref, "name");
      } else if (at(ref, "selector").isObject()) {
        return formatSelector(at(ref, "selector"));
      }
    }
    return "<unset>";
  }

  private static String claimState(JsonNode o) {
    List<String> states = new ArrayList<>();
    if (deleting(o)) {
      states.add("deleted");
    }
    if (!at(o, "status", "allocation").isObject()) {
      if (!deleting(o)) {
        states.add("pending");
      }
    } else {
      states.add("allocated");
      if (size(o, "status", "reservedFor") > 0) {
        states.add("reserved");
      }
    }
    return String.join(",", states);
  }
}
