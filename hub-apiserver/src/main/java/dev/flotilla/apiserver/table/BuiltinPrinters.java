package dev.flotilla.apiserver.table;

import static dev.flotilla.apiserver.table.Cells.age;
import static dev.flotilla.apiserver.table.Cells.at;
import static dev.flotilla.apiserver.table.Cells.bool;
import static dev.flotilla.apiserver.table.Cells.condition;
import static dev.flotilla.apiserver.table.Cells.conditionTrue;
import static dev.flotilla.apiserver.table.Cells.containers;
import static dev.flotilla.apiserver.table.Cells.deleting;
import static dev.flotilla.apiserver.table.Cells.firstNonEmpty;
import static dev.flotilla.apiserver.table.Cells.formatSelector;
import static dev.flotilla.apiserver.table.Cells.has;
import static dev.flotilla.apiserver.table.Cells.labels;
import static dev.flotilla.apiserver.table.Cells.list;
import static dev.flotilla.apiserver.table.Cells.listWithMore;
import static dev.flotilla.apiserver.table.Cells.name;
import static dev.flotilla.apiserver.table.Cells.num;
import static dev.flotilla.apiserver.table.Cells.numOr;
import static dev.flotilla.apiserver.table.Cells.orNone;
import static dev.flotilla.apiserver.table.Cells.size;
import static dev.flotilla.apiserver.table.Cells.str;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.apiserver.registry.ResourceType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The server-side printers of kube-apiserver 1.33 ({@code pkg/printers/internalversion}) for the
 * built-in kinds: same columns, same order, same cell values. The server always prints the wide
 * columns; kubectl drops priority-1 columns unless {@code -o wide}. Where a real cluster's
 * defaulting would have filled a field the hub does not default (a Service's type, a port's
 * protocol, a Deployment's replicas), the printer assumes that default.
 */
final class BuiltinPrinters {
  private BuiltinPrinters() {}

  @FunctionalInterface
  private interface RowFn {
    Printer.Row row(JsonNode obj, Instant now);
  }

  private record Simple(List<Column> columns, RowFn fn) implements Printer {
    @Override
    public Row row(JsonNode obj, Instant now) {
      return fn.row(obj, now);
    }
  }

  private static final Map<String, Printer> PRINTERS = new HashMap<>();

  static Optional<Printer> find(ResourceType type) {
    return Optional.ofNullable(PRINTERS.get(type.group() + "/" + type.plural()));
  }

  private static void add(String group, String plural, List<Column> columns, RowFn fn) {
    PRINTERS.put(group + "/" + plural, new Simple(columns, fn));
  }

  private static Printer.Row row(Object... cells) {
    return Printer.Row.of(cells);
  }

  // ---- shared column definitions ----

  private static final Column NAME = Column.nameColumn();
  private static final Column AGE = Column.ageColumn();
  private static final Column CONTAINERS =
      Column.wide("Containers", "string", "Names of the containers in the pod template.");
  private static final Column IMAGES =
      Column.wide("Images", "string", "Images of the containers in the pod template.");

  private static Column col(String name, String type, String description) {
    return Column.of(name, type, description);
  }

  private static Column wide(String name, String type, String description) {
    return Column.wide(name, type, description);
  }

  static {
    core();
    apps();
    batch();
    networking();
    storage();
    rbac();
    cluster();
    admission();
    resource();
  }

  // ---- core/v1 ----

  private static void core() {
    add(
        "",
        "pods",
        List.of(
            NAME,
            col("Ready", "string", "Ready containers out of all containers."),
            col("Status", "string", "Summary of the pod's phase and container states."),
            col("Restarts", "string", "Container restarts, and how long ago the last one was."),
            AGE,
            wide("IP", "string", "The pod's first IP address."),
            wide("Node", "string", "The node the pod is scheduled to."),
            wide("Nominated Node", "string", "The node the scheduler nominated after preemption."),
            wide("Readiness Gates", "string", "Readiness gates that are true out of all gates.")),
        BuiltinPrinters::pod);

    add(
        "",
        "podtemplates",
        List.of(
            NAME,
            col("Containers", "string", "Names of the containers in the template."),
            col("Images", "string", "Images of the containers in the template."),
            col("Pod Labels", "string", "Labels of the pod template.")),
        (o, now) -> {
          String[] c = containers(at(o, "template", "spec"));
          return row(name(o), c[0], c[1], labels(at(o, "template", "metadata", "labels")));
        });

    add(
        "",
        "replicationcontrollers",
        List.of(
            NAME,
            col("Desired", "integer", "Pods the controller should run."),
            col("Current", "integer", "Pods the controller runs now."),
            col("Ready", "integer", "Pods that are ready."),
            AGE,
            CONTAINERS,
            IMAGES,
            wide("Selector", "string", "Labels the controller's pods carry.")),
        (o, now) -> {
          String[] c = containers(at(o, "spec", "template", "spec"));
          return row(
              name(o),
              numOr(1, o, "spec", "replicas"),
              num(o, "status", "replicas"),
              num(o, "status", "readyReplicas"),
              age(o, now),
              c[0],
              c[1],
              labels(at(o, "spec", "selector")));
        });

    add(
        "",
        "services",
        List.of(
            NAME,
            col("Type", "string", "How the service is exposed."),
            col("Cluster-IP", "string", "The service's cluster-internal IP address."),
            col("External-IP", "string", "Addresses the service is reachable at from outside."),
            col("Port(s)", "string", "The service's ports and protocols."),
            AGE,
            wide("Selector", "string", "Labels of the pods the service routes to.")),
        BuiltinPrinters::service);

    add(
        "",
        "endpoints",
        List.of(NAME, col("Endpoints", "string", "The first few addresses and ports."), AGE),
        (o, now) -> row(name(o), endpoints(o), age(o, now)));

    add(
        "",
        "nodes",
        List.of(
            NAME,
            col("Status", "string", "Readiness and schedulability of the node."),
            col("Roles", "string", "Roles from the node's role labels."),
            AGE,
            col("Version", "string", "Kubelet version."),
            wide("Internal-IP", "string", "The node's internal IP address."),
            wide("External-IP", "string", "The node's external IP address."),
            wide("OS-Image", "string", "Operating system image of the node."),
            wide("Kernel-Version", "string", "Kernel version of the node."),
            wide("Container-Runtime", "string", "Container runtime and its version.")),
        BuiltinPrinters::node);

    List<Column> eventColumns =
        List.of(
            col("Last Seen", "string", "Time since the event last happened."),
            col("Type", "string", "Normal or Warning."),
            col("Reason", "string", "Short machine-readable reason."),
            col("Object", "string", "The object the event is about."),
            wide("Subobject", "string", "The part of the object the event is about."),
            wide("Source", "string", "The component that reported the event."),
            col("Message", "string", "What happened."),
            wide("First Seen", "string", "Time since the event first happened."),
            wide("Count", "string", "How many times the event happened."),
            new Column("Name", "string", "name", "Name of the event object.", 1));
    add("", "events", eventColumns, (o, now) -> event(o, now, false));
    add("events.k8s.io", "events", eventColumns, (o, now) -> event(o, now, true));

    add(
        "",
        "namespaces",
        List.of(NAME, col("Status", "string", "Active or Terminating."), AGE),
        (o, now) -> row(name(o), str(o, "status", "phase"), age(o, now)));

    add(
        "",
        "secrets",
        List.of(
            NAME,
            col("Type", "string", "The kind of secret."),
            col("Data", "string", "Number of data keys."),
            AGE),
        (o, now) -> {
          TreeSet<String> keys = new TreeSet<>();
          at(o, "data").fieldNames().forEachRemaining(keys::add);
          // A real server folds stringData into data on write; count what it would store.
          at(o, "stringData").fieldNames().forEachRemaining(keys::add);
          String type = str(o, "type");
          return row(name(o), type.isEmpty() ? "Opaque" : type, (long) keys.size(), age(o, now));
        });

    add(
        "",
        "serviceaccounts",
        List.of(
            NAME,
            col("Secrets", "string", "Number of secrets listed on the service account."),
            AGE),
        (o, now) -> row(name(o), (long) size(o, "secrets"), age(o, now)));

    add(
        "",
        "persistentvolumes",
        List.of(
            NAME,
            col("Capacity", "string", "Storage capacity of the volume."),
            col("Access Modes", "string", "How the volume can be mounted."),
            col("Reclaim Policy", "string", "What happens to the volume when its claim goes."),
            col("Status", "string", "Phase of the volume."),
            col("Claim", "string", "The claim bound to the volume."),
            col("StorageClass", "string", "Storage class of the volume."),
            col("VolumeAttributesClass", "string", "Volume attributes class of the volume."),
            col("Reason", "string", "Why the volume is in its phase."),
            AGE,
            wide("VolumeMode", "string", "Filesystem or Block.")),
        (o, now) -> {
          String claim = "";
          if (has(o, "spec", "claimRef")) {
            claim =
                str(o, "spec", "claimRef", "namespace") + "/" + str(o, "spec", "claimRef", "name");
          }
          String phase =
              deleting(o) ? "Terminating" : orDefault(str(o, "status", "phase"), "Pending");
          return row(
              name(o),
              str(o, "spec", "capacity", "storage"),
              accessModes(at(o, "spec", "accessModes")),
              orDefault(str(o, "spec", "persistentVolumeReclaimPolicy"), "Retain"),
              phase,
              claim,
              storageClass(o),
              unset(str(o, "spec", "volumeAttributesClassName")),
              str(o, "status", "reason"),
              age(o, now),
              orDefault(str(o, "spec", "volumeMode"), "Filesystem"));
        });

    add(
        "",
        "persistentvolumeclaims",
        List.of(
            NAME,
            col("Status", "string", "Phase of the claim."),
            col("Volume", "string", "The volume bound to the claim."),
            col("Capacity", "string", "Storage capacity of the bound volume."),
            col("Access Modes", "string", "How the bound volume can be mounted."),
            col("StorageClass", "string", "Storage class the claim asks for."),
            col("VolumeAttributesClass", "string", "Volume attributes class the claim asks for."),
            AGE,
            wide("VolumeMode", "string", "Filesystem or Block.")),
        (o, now) -> {
          String phase =
              deleting(o) ? "Terminating" : orDefault(str(o, "status", "phase"), "Pending");
          String volume = str(o, "spec", "volumeName");
          String capacity = "";
          String modes = "";
          if (!volume.isEmpty()) {
            modes = accessModes(at(o, "status", "accessModes"));
            capacity = str(o, "status", "capacity", "storage");
          }
          return row(
              name(o),
              phase,
              volume,
              capacity,
              modes,
              storageClass(o),
              unset(str(o, "spec", "volumeAttributesClassName")),
              age(o, now),
              orDefault(str(o, "spec", "volumeMode"), "Filesystem"));
        });

    add(
        "",
        "componentstatuses",
        List.of(
            NAME,
            col("Status", "string", "Healthy or Unhealthy."),
            col("Message", "string", "Message of the health condition."),
            col("Error", "string", "Error of the health condition.")),
        (o, now) -> {
          String status = "Unknown";
          String message = "";
          String error = "";
          for (JsonNode c : list(o, "conditions")) {
            if (str(c, "type").equals("Healthy")) {
              status = str(c, "status").equals("True") ? "Healthy" : "Unhealthy";
              message = str(c, "message");
              error = str(c, "error");
              break;
            }
          }
          return row(name(o), status, message, error);
        });

    add(
        "",
        "configmaps",
        List.of(NAME, col("Data", "string", "Number of data and binaryData keys."), AGE),
        (o, now) -> row(name(o), (long) (size(o, "data") + size(o, "binaryData")), age(o, now)));

    add(
        "",
        "resourcequotas",
        List.of(
            NAME,
            col("Request", "string", "Used and hard amounts of requests and other resources."),
            col("Limit", "string", "Used and hard amounts of limits."),
            AGE),
        (o, now) -> {
          TreeMap<String, String> hard = new TreeMap<>();
          at(o, "status", "hard")
              .fields()
              .forEachRemaining(e -> hard.put(e.getKey(), e.getValue().asText()));
          List<String> requests = new ArrayList<>();
          List<String> limits = new ArrayList<>();
          for (Map.Entry<String, String> e : hard.entrySet()) {
            String used = str(o, "status", "used", e.getKey());
            String text = e.getKey() + ": " + (used.isEmpty() ? "0" : used) + "/" + e.getValue();
            String[] pieces = e.getKey().split("\\.");
            (pieces.length > 1 && pieces[0].equals("limits") ? limits : requests).add(text);
          }
          return row(name(o), String.join(", ", requests), String.join(", ", limits), age(o, now));
        });
  }

  private static Printer.Row pod(JsonNode o, Instant now) {
    JsonNode spec = at(o, "spec");
    JsonNode status = at(o, "status");
    long restarts = 0;
    long restartableInitRestarts = 0;
    int total = size(spec, "containers");
    int ready = 0;
    Instant lastRestart = null;
    Instant lastRestartableInitRestart = null;
    String phase = str(status, "phase");
    String reason = phase;
    if (!str(status, "reason").isEmpty()) {
      reason = str(status, "reason");
    }
    for (JsonNode c : list(status, "conditions")) {
      if (str(c, "type").equals("PodScheduled") && str(c, "reason").equals("SchedulingGated")) {
        reason = "SchedulingGated";
      }
    }
    Map<String, JsonNode> inits = new HashMap<>();
    for (JsonNode c : list(spec, "initContainers")) {
      inits.put(str(c, "name"), c);
      if (str(c, "restartPolicy").equals("Always")) {
        total++;
      }
    }
    boolean initializing = false;
    List<JsonNode> initStatuses = list(status, "initContainerStatuses");
    int initCount = size(spec, "initContainers");
    for (int i = 0; i < initStatuses.size(); i++) {
      JsonNode c = initStatuses.get(i);
      restarts += num(c, "restartCount");
      lastRestart = later(lastRestart, at(c, "lastState", "terminated"));
      JsonNode initSpec = inits.get(str(c, "name"));
      boolean restartable = initSpec != null && str(initSpec, "restartPolicy").equals("Always");
      if (restartable) {
        restartableInitRestarts += num(c, "restartCount");
        lastRestartableInitRestart =
            later(lastRestartableInitRestart, at(c, "lastState", "terminated"));
      }
      JsonNode terminated = at(c, "state", "terminated");
      JsonNode waiting = at(c, "state", "waiting");
      if (terminated.isObject() && num(terminated, "exitCode") == 0) {
        continue;
      } else if (restartable && bool(c, "started")) {
        if (bool(c, "ready")) {
          ready++;
        }
        continue;
      } else if (terminated.isObject()) {
        if (str(terminated, "reason").isEmpty()) {
          reason =
              num(terminated, "signal") != 0
                  ? "Init:Signal:" + num(terminated, "signal")
                  : "Init:ExitCode:" + num(terminated, "exitCode");
        } else {
          reason = "Init:" + str(terminated, "reason");
        }
        initializing = true;
      } else if (waiting.isObject()
          && !str(waiting, "reason").isEmpty()
          && !str(waiting, "reason").equals("PodInitializing")) {
        reason = "Init:" + str(waiting, "reason");
        initializing = true;
      } else {
        reason = "Init:" + i + "/" + initCount;
        initializing = true;
      }
      break;
    }
    if (!initializing || conditionTrue(at(status, "conditions"), "Initialized")) {
      restarts = restartableInitRestarts;
      lastRestart = lastRestartableInitRestart;
      boolean hasRunning = false;
      List<JsonNode> statuses = list(status, "containerStatuses");
      for (int i = statuses.size() - 1; i >= 0; i--) {
        JsonNode c = statuses.get(i);
        restarts += num(c, "restartCount");
        lastRestart = later(lastRestart, at(c, "lastState", "terminated"));
        JsonNode waiting = at(c, "state", "waiting");
        JsonNode terminated = at(c, "state", "terminated");
        if (waiting.isObject() && !str(waiting, "reason").isEmpty()) {
          reason = str(waiting, "reason");
        } else if (terminated.isObject() && !str(terminated, "reason").isEmpty()) {
          reason = str(terminated, "reason");
        } else if (terminated.isObject()) {
          reason =
              num(terminated, "signal") != 0
                  ? "Signal:" + num(terminated, "signal")
                  : "ExitCode:" + num(terminated, "exitCode");
        } else if (bool(c, "ready") && at(c, "state", "running").isObject()) {
          hasRunning = true;
          ready++;
        }
      }
      if (reason.equals("Completed") && hasRunning) {
        reason = conditionTrue(at(status, "conditions"), "Ready") ? "Running" : "NotReady";
      }
    }
    if (deleting(o) && str(status, "reason").equals("NodeLost")) {
      reason = "Unknown";
    } else if (deleting(o) && !phase.equals("Failed") && !phase.equals("Succeeded")) {
      reason = "Terminating";
    }
    String restartText = Long.toString(restarts);
    if (restarts != 0 && lastRestart != null) {
      restartText =
          restarts + " (" + HumanDuration.format(Duration.between(lastRestart, now)) + " ago)";
    }
    String ip = "";
    List<JsonNode> ips = list(status, "podIPs");
    if (!ips.isEmpty()) {
      ip = str(ips.get(0), "ip");
    } else {
      ip = str(status, "podIP");
    }
    String gates = "<none>";
    List<JsonNode> readinessGates = list(spec, "readinessGates");
    if (!readinessGates.isEmpty()) {
      int trueCount = 0;
      for (JsonNode g : readinessGates) {
        JsonNode c = condition(at(status, "conditions"), str(g, "conditionType"));
        if (c != null && str(c, "status").equals("True")) {
          trueCount++;
        }
      }
      gates = trueCount + "/" + readinessGates.size();
    }
    List<Object> cells =
        List.of(
            name(o),
            ready + "/" + total,
            reason,
            restartText,
            age(o, now),
            orNone(ip),
            orNone(str(spec, "nodeName")),
            orNone(str(status, "nominatedNodeName")),
            gates);
    String completed = phase.equals("Succeeded") || phase.equals("Failed") ? phase : null;
    return new Printer.Row(cells, completed);
  }

  /** The later of {@code current} and a terminated state's finishedAt. */
  private static Instant later(Instant current, JsonNode terminated) {
    if (!terminated.isObject()) {
      return current;
    }
    Instant finished = HumanDuration.parse(str(terminated, "finishedAt"));
    if (finished == null) {
      return current;
    }
    return current == null || current.isBefore(finished) ? finished : current;
  }

  private static Printer.Row service(JsonNode o, Instant now) {
    JsonNode spec = at(o, "spec");
    String type = orDefault(str(spec, "type"), "ClusterIP");
    List<JsonNode> clusterIps = list(spec, "clusterIPs");
    String clusterIp = !clusterIps.isEmpty() ? clusterIps.get(0).asText() : str(spec, "clusterIP");
    String external =
        switch (type) {
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
    List<String> ports = new ArrayList<>();
    for (JsonNode p : list(spec, "ports")) {
      String protocol = orDefault(str(p, "protocol"), "TCP");
      long nodePort = num(p, "nodePort");
      ports.add(
          nodePort > 0
              ? num(p, "port") + ":" + nodePort + "/" + protocol
              : num(p, "port") + "/" + protocol);
    }
    return row(
        name(o),
        type,
        orNone(clusterIp),
        external,
        orNone(String.join(",", ports)),
        age(o, now),
        labels(at(spec, "selector")));
  }

  /** Load-balancer ingress IPs (else hostnames), de-duplicated and sorted; never clipped. */
  private static String loadBalancer(JsonNode status) {
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

  private static Printer.Row node(JsonNode o, Instant now) {
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
    JsonNode info = at(o, "status", "nodeInfo");
    return row(
        name(o),
        String.join(",", status),
        orNone(String.join(",", roles)),
        age(o, now),
        str(info, "kubeletVersion"),
        nodeAddress(o, "InternalIP"),
        nodeAddress(o, "ExternalIP"),
        unknown(str(info, "osImage")),
        unknown(str(info, "kernelVersion")),
        unknown(str(info, "containerRuntimeVersion")));
  }

  private static String nodeAddress(JsonNode o, String type) {
    for (JsonNode a : list(o, "status", "addresses")) {
      if (str(a, "type").equals(type)) {
        return str(a, "address");
      }
    }
    return "<none>";
  }

  /**
   * core/v1 Events, and events.k8s.io/v1 Events read through their core equivalents (note is the
   * message, regarding the involved object, deprecated* the legacy counters).
   */
  private static Printer.Row event(JsonNode o, Instant now, boolean eventsApi) {
    String first = eventsApi ? "deprecatedFirstTimestamp" : "firstTimestamp";
    String last = eventsApi ? "deprecatedLastTimestamp" : "lastTimestamp";
    JsonNode involved = at(o, eventsApi ? "regarding" : "involvedObject");
    JsonNode source = at(o, eventsApi ? "deprecatedSource" : "source");
    String message = str(o, eventsApi ? "note" : "message");
    long count = num(o, eventsApi ? "deprecatedCount" : "count");
    String reportingController = str(o, eventsApi ? "reportingController" : "reportingComponent");

    String firstSeen =
        HumanDuration.parse(str(o, first)) == null
            ? HumanDuration.since(str(o, "eventTime"), now)
            : HumanDuration.since(str(o, first), now);
    String lastSeen =
        HumanDuration.parse(str(o, last)) == null
            ? firstSeen
            : HumanDuration.since(str(o, last), now);
    if (has(o, "series")) {
      lastSeen = HumanDuration.since(str(o, "series", "lastObservedTime"), now);
      count = num(o, "series", "count");
    } else if (count == 0) {
      count = 1;
    }
    String kind = str(involved, "kind").toLowerCase(Locale.ROOT);
    String target = str(involved, "name").isEmpty() ? kind : kind + "/" + str(involved, "name");
    String component = firstNonEmpty(str(source, "component"), reportingController);
    String instance = firstNonEmpty(str(source, "host"), str(o, "reportingInstance"));
    String src = instance.isEmpty() ? component : component + ", " + instance;
    return row(
        lastSeen,
        str(o, "type"),
        str(o, "reason"),
        target,
        str(involved, "fieldPath"),
        src,
        message.strip(),
        firstSeen,
        count,
        name(o));
  }

  // ---- apps/v1 ----

  private static void apps() {
    add(
        "apps",
        "deployments",
        List.of(
            NAME,
            col("Ready", "string", "Ready pods out of desired pods."),
            col("Up-to-date", "string", "Pods running the latest pod template."),
            col("Available", "string", "Pods available to serve."),
            AGE,
            CONTAINERS,
            IMAGES,
            wide("Selector", "string", "Label selector of the deployment's pods.")),
        (o, now) -> {
          String[] c = containers(at(o, "spec", "template", "spec"));
          String selector = Cells.selector(at(o, "spec", "selector"));
          return row(
              name(o),
              num(o, "status", "readyReplicas") + "/" + numOr(1, o, "spec", "replicas"),
              num(o, "status", "updatedReplicas"),
              num(o, "status", "availableReplicas"),
              age(o, now),
              c[0],
              c[1],
              selector == null ? "<invalid>" : selector);
        });

    add(
        "apps",
        "replicasets",
        List.of(
            NAME,
            col("Desired", "integer", "Pods the replica set should run."),
            col("Current", "integer", "Pods the replica set runs now."),
            col("Ready", "integer", "Pods that are ready."),
            AGE,
            CONTAINERS,
            IMAGES,
            wide("Selector", "string", "Label selector of the replica set's pods.")),
        (o, now) -> {
          String[] c = containers(at(o, "spec", "template", "spec"));
          return row(
              name(o),
              numOr(1, o, "spec", "replicas"),
              num(o, "status", "replicas"),
              num(o, "status", "readyReplicas"),
              age(o, now),
              c[0],
              c[1],
              formatSelector(at(o, "spec", "selector")));
        });

    add(
        "apps",
        "statefulsets",
        List.of(
            NAME,
            col("Ready", "string", "Ready pods out of desired pods."),
            AGE,
            CONTAINERS,
            IMAGES),
        (o, now) -> {
          String[] c = containers(at(o, "spec", "template", "spec"));
          return row(
              name(o),
              num(o, "status", "readyReplicas") + "/" + numOr(1, o, "spec", "replicas"),
              age(o, now),
              c[0],
              c[1]);
        });

    add(
        "apps",
        "daemonsets",
        List.of(
            NAME,
            col("Desired", "integer", "Nodes that should run the daemon pod."),
            col("Current", "integer", "Nodes that run the daemon pod."),
            col("Ready", "integer", "Nodes whose daemon pod is ready."),
            col("Up-to-date", "integer", "Nodes running the latest pod template."),
            col("Available", "integer", "Nodes whose daemon pod is available."),
            col("Node Selector", "string", "Node labels the pods are restricted to."),
            AGE,
            CONTAINERS,
            IMAGES,
            wide("Selector", "string", "Label selector of the daemon set's pods.")),
        (o, now) -> {
          String[] c = containers(at(o, "spec", "template", "spec"));
          JsonNode s = at(o, "status");
          return row(
              name(o),
              num(s, "desiredNumberScheduled"),
              num(s, "currentNumberScheduled"),
              num(s, "numberReady"),
              num(s, "updatedNumberScheduled"),
              num(s, "numberAvailable"),
              labels(at(o, "spec", "template", "spec", "nodeSelector")),
              age(o, now),
              c[0],
              c[1],
              formatSelector(at(o, "spec", "selector")));
        });

    add(
        "apps",
        "controllerrevisions",
        List.of(
            NAME,
            col("Controller", "string", "The object that owns the revision."),
            col("Revision", "string", "Revision number."),
            AGE),
        (o, now) -> {
          String controller = "<none>";
          for (JsonNode ref : list(o, "metadata", "ownerReferences")) {
            if (bool(ref, "controller")) {
              String apiVersion = str(ref, "apiVersion");
              int slash = apiVersion.indexOf('/');
              String group = slash < 0 ? "" : apiVersion.substring(0, slash);
              String kind = str(ref, "kind");
              String groupKind = group.isEmpty() ? kind : kind + "." + group;
              controller =
                  groupKind.isEmpty()
                      ? str(ref, "name")
                      : groupKind.toLowerCase(Locale.ROOT) + "/" + str(ref, "name");
              break;
            }
          }
          return row(name(o), controller, num(o, "revision"), age(o, now));
        });
  }

  // ---- batch/v1, autoscaling, policy ----

  private static void batch() {
    add(
        "batch",
        "jobs",
        List.of(
            NAME,
            col("Status", "string", "Running, Complete, Failed, Suspended or Terminating."),
            col("Completions", "string", "Succeeded pods out of the completions wanted."),
            col("Duration", "string", "How long the job ran or has been running."),
            AGE,
            CONTAINERS,
            IMAGES,
            wide("Selector", "string", "Label selector of the job's pods.")),
        BuiltinPrinters::job);

    add(
        "batch",
        "cronjobs",
        List.of(
            NAME,
            col("Schedule", "string", "Cron schedule."),
            col("Timezone", "string", "Time zone of the schedule."),
            col("Suspend", "boolean", "Whether new runs are suspended."),
            col("Active", "integer", "Jobs running now."),
            col("Last Schedule", "string", "Time since a job was last scheduled."),
            AGE,
            CONTAINERS,
            IMAGES,
            wide("Selector", "string", "Label selector of the jobs' pods.")),
        (o, now) -> {
          JsonNode jobSpec = at(o, "spec", "jobTemplate", "spec");
          String[] c = containers(at(jobSpec, "template", "spec"));
          String last =
              has(o, "status", "lastScheduleTime")
                  ? HumanDuration.since(str(o, "status", "lastScheduleTime"), now)
                  : "<none>";
          String suspend =
              has(o, "spec", "suspend") ? (bool(o, "spec", "suspend") ? "True" : "False") : "False";
          return row(
              name(o),
              str(o, "spec", "schedule"),
              has(o, "spec", "timeZone") ? str(o, "spec", "timeZone") : "<none>",
              suspend,
              (long) size(o, "status", "active"),
              last,
              age(o, now),
              c[0],
              c[1],
              formatSelector(at(jobSpec, "selector")));
        });

    add(
        "autoscaling",
        "horizontalpodautoscalers",
        List.of(
            NAME,
            col("Reference", "string", "The workload being scaled."),
            col("Targets", "string", "Current and target values of the metrics."),
            col("MinPods", "string", "Lower replica bound."),
            col("MaxPods", "string", "Upper replica bound."),
            col("Replicas", "string", "Replicas the autoscaler last saw."),
            AGE),
        (o, now) -> {
          String reference =
              str(o, "spec", "scaleTargetRef", "kind")
                  + "/"
                  + str(o, "spec", "scaleTargetRef", "name");
          String min = Long.toString(numOr(1, o, "spec", "minReplicas"));
          return row(
              name(o),
              reference,
              hpaMetrics(o),
              min,
              num(o, "spec", "maxReplicas"),
              num(o, "status", "currentReplicas"),
              age(o, now));
        });

    add(
        "policy",
        "poddisruptionbudgets",
        List.of(
            NAME,
            col("Min Available", "string", "Pods that must stay available."),
            col("Max Unavailable", "string", "Pods that may be unavailable."),
            col("Allowed Disruptions", "integer", "Pods that may be disrupted right now."),
            AGE),
        (o, now) ->
            row(
                name(o),
                has(o, "spec", "minAvailable") ? str(o, "spec", "minAvailable") : "N/A",
                has(o, "spec", "maxUnavailable") ? str(o, "spec", "maxUnavailable") : "N/A",
                num(o, "status", "disruptionsAllowed"),
                age(o, now)));
  }

  private static Printer.Row job(JsonNode o, Instant now) {
    JsonNode spec = at(o, "spec");
    JsonNode status = at(o, "status");
    long succeeded = num(status, "succeeded");
    String completions;
    boolean defaulted = !has(spec, "completions") && !has(spec, "parallelism");
    if (has(spec, "completions") || defaulted) {
      // Defaulting sets completions and parallelism to 1 when neither is given.
      completions = succeeded + "/" + numOr(1, spec, "completions");
    } else {
      long parallelism = num(spec, "parallelism");
      completions = parallelism > 1 ? succeeded + "/1 of " + parallelism : succeeded + "/1";
    }
    String duration = "";
    Instant start = HumanDuration.parse(str(status, "startTime"));
    Instant end = HumanDuration.parse(str(status, "completionTime"));
    if (start != null) {
      duration = HumanDuration.format(Duration.between(start, end == null ? now : end));
    }
    JsonNode conditions = at(status, "conditions");
    String state;
    if (conditionTrue(conditions, "Complete")) {
      state = "Complete";
    } else if (conditionTrue(conditions, "Failed")) {
      state = "Failed";
    } else if (deleting(o)) {
      state = "Terminating";
    } else if (conditionTrue(conditions, "Suspended")) {
      state = "Suspended";
    } else if (conditionTrue(conditions, "FailureTarget")) {
      state = "FailureTarget";
    } else {
      state = "Running";
    }
    String[] c = containers(at(spec, "template", "spec"));
    return row(
        name(o),
        state,
        completions,
        duration,
        age(o, now),
        c[0],
        c[1],
        formatSelector(at(spec, "selector")));
  }

  /** {@code formatHPAMetrics} over autoscaling/v2 metrics (v1's CPU target mapped to one). */
  private static String hpaMetrics(JsonNode o) {
    List<JsonNode> specs = list(o, "spec", "metrics");
    List<JsonNode> statuses = list(o, "status", "currentMetrics");
    if (specs.isEmpty()) {
      // autoscaling/v1 carries one CPU utilization target; v2 defaulting adds 80% CPU.
      long target = numOr(80, o, "spec", "targetCPUUtilizationPercentage");
      String current =
          has(o, "status", "currentCPUUtilizationPercentage")
              ? num(o, "status", "currentCPUUtilizationPercentage") + "%"
              : "<unknown>";
      return "cpu: " + current + "/" + target + "%";
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      JsonNode spec = specs.get(i);
      JsonNode st = i < statuses.size() ? statuses.get(i) : null;
      switch (str(spec, "type")) {
        case "External" ->
            out.add(
                valueMetric(
                    at(spec, "external", "target"), st == null ? null : at(st, "external")));
        case "Pods" -> {
          String current =
              st != null && at(st, "pods").isObject()
                  ? str(st, "pods", "current", "averageValue")
                  : "<unknown>";
          out.add(current + "/" + str(spec, "pods", "target", "averageValue"));
        }
        case "Object" ->
            out.add(
                valueMetric(at(spec, "object", "target"), st == null ? null : at(st, "object")));
        case "Resource" ->
            out.add(resourceMetric(at(spec, "resource"), st == null ? null : at(st, "resource")));
        case "ContainerResource" ->
            out.add(
                resourceMetric(
                    at(spec, "containerResource"),
                    st == null ? null : at(st, "containerResource")));
        default -> out.add("<unknown type>");
      }
    }
    int max = 2;
    if (out.size() > max) {
      return String.join(", ", out.subList(0, max)) + " + " + (out.size() - max) + " more...";
    }
    return String.join(", ", out);
  }

  private static String valueMetric(JsonNode target, JsonNode status) {
    boolean haveStatus = status != null && status.isObject();
    if (has(target, "averageValue")) {
      String current =
          haveStatus && has(status, "current", "averageValue")
              ? str(status, "current", "averageValue")
              : "<unknown>";
      return current + "/" + str(target, "averageValue") + " (avg)";
    }
    String current = haveStatus ? orDefault(str(status, "current", "value"), "0") : "<unknown>";
    return current + "/" + orDefault(str(target, "value"), "0");
  }

  private static String resourceMetric(JsonNode spec, JsonNode status) {
    boolean haveStatus = status != null && status.isObject();
    String resource = str(spec, "name");
    if (has(spec, "target", "averageValue")) {
      String current =
          haveStatus ? orDefault(str(status, "current", "averageValue"), "0") : "<unknown>";
      return resource + ": " + current + "/" + str(spec, "target", "averageValue");
    }
    String current =
        haveStatus && has(status, "current", "averageUtilization")
            ? num(status, "current", "averageUtilization") + "%"
            : "<unknown>";
    String target =
        has(spec, "target", "averageUtilization")
            ? num(spec, "target", "averageUtilization") + "%"
            : "<auto>";
    return resource + ": " + current + "/" + target;
  }

  // ---- networking, discovery, coordination ----

  private static void networking() {
    add(
        "networking.k8s.io",
        "ingresses",
        List.of(
            NAME,
            col("Class", "string", "The ingress class that handles the ingress."),
            col("Hosts", "string", "Host names the rules match."),
            col("Address", "string", "Load-balancer addresses of the ingress."),
            col("Ports", "string", "Ports the ingress serves."),
            AGE),
        (o, now) -> {
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
          String hostText =
              hosts.isEmpty()
                  ? "*"
                  : String.join(",", hosts) + (more ? " + " + (rules.size() - 3) + " more..." : "");
          return row(
              name(o),
              has(o, "spec", "ingressClassName") ? str(o, "spec", "ingressClassName") : "<none>",
              hostText,
              loadBalancer(at(o, "status", "loadBalancer")),
              size(o, "spec", "tls") > 0 ? "80, 443" : "80",
              age(o, now));
        });

    add(
        "networking.k8s.io",
        "ingressclasses",
        List.of(
            NAME,
            col("Controller", "string", "The controller that implements the class."),
            col("Parameters", "string", "The object holding the class's parameters."),
            AGE),
        (o, now) -> {
          String params = "<none>";
          JsonNode p = at(o, "spec", "parameters");
          if (p.isObject()) {
            params = str(p, "kind");
            if (has(p, "apiGroup")) {
              params += "." + str(p, "apiGroup");
            }
            params += "/" + str(p, "name");
          }
          return row(name(o), str(o, "spec", "controller"), params, age(o, now));
        });

    add(
        "networking.k8s.io",
        "networkpolicies",
        List.of(
            NAME,
            col("Pod-Selector", "string", "Label selector of the pods the policy applies to."),
            AGE),
        (o, now) -> {
          JsonNode sel = at(o, "spec", "podSelector");
          return row(
              name(o),
              formatSelector(
                  sel.isMissingNode()
                      ? com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
                      : sel),
              age(o, now));
        });

    add(
        "networking.k8s.io",
        "servicecidrs",
        List.of(NAME, col("CIDRs", "string", "IP ranges for service cluster IPs."), AGE),
        (o, now) -> row(name(o), String.join(",", texts(list(o, "spec", "cidrs"))), age(o, now)));

    add(
        "networking.k8s.io",
        "ipaddresses",
        List.of(NAME, col("ParentRef", "string", "The object the IP address is allocated to.")),
        (o, now) -> {
          String parent = "<none>";
          JsonNode ref = at(o, "spec", "parentRef");
          if (ref.isObject()) {
            String group = str(ref, "group");
            String resource = str(ref, "resource");
            parent = (group.isEmpty() ? resource : resource + "." + group).toLowerCase(Locale.ROOT);
            if (!str(ref, "namespace").isEmpty()) {
              parent += "/" + str(ref, "namespace");
            }
            parent += "/" + str(ref, "name");
          }
          // Upstream prints an age cell without declaring a column for it.
          return row(name(o), parent, age(o, now));
        });

    add(
        "discovery.k8s.io",
        "endpointslices",
        List.of(
            NAME,
            col("AddressType", "string", "IPv4, IPv6 or FQDN."),
            col("Ports", "string", "The first few ports."),
            col("Endpoints", "string", "The first few endpoint addresses."),
            AGE),
        (o, now) -> {
          List<String> ports = new ArrayList<>();
          for (JsonNode p : list(o, "ports")) {
            ports.add(
                has(p, "port")
                    ? Long.toString(num(p, "port"))
                    : has(p, "name") ? str(p, "name") : "*");
          }
          List<String> addresses = new ArrayList<>();
          for (JsonNode e : list(o, "endpoints")) {
            addresses.addAll(texts(list(e, "addresses")));
          }
          return row(
              name(o),
              str(o, "addressType"),
              listWithMore(ports, 3),
              listWithMore(addresses, 3),
              age(o, now));
        });

    add(
        "coordination.k8s.io",
        "leases",
        List.of(NAME, col("Holder", "string", "Identity of the current holder."), AGE),
        (o, now) -> row(name(o), str(o, "spec", "holderIdentity"), age(o, now)));

    add(
        "coordination.k8s.io",
        "leasecandidates",
        List.of(
            NAME,
            col("LeaseName", "string", "The lease the candidate runs for."),
            col("BinaryVersion", "string", "Binary version of the candidate."),
            col("EmulationVersion", "string", "Emulation version of the candidate."),
            AGE),
        (o, now) ->
            row(
                name(o),
                str(o, "spec", "leaseName"),
                str(o, "spec", "binaryVersion"),
                str(o, "spec", "emulationVersion"),
                age(o, now)));
  }

  // ---- storage.k8s.io ----

  private static void storage() {
    add(
        "storage.k8s.io",
        "storageclasses",
        List.of(
            NAME,
            col("Provisioner", "string", "The provisioner that creates volumes."),
            col("ReclaimPolicy", "string", "Reclaim policy of provisioned volumes."),
            col("VolumeBindingMode", "string", "When volumes are bound and provisioned."),
            col("AllowVolumeExpansion", "string", "Whether volumes can be expanded."),
            AGE),
        (o, now) -> {
          String name = name(o);
          if (annotation(o, "storageclass.kubernetes.io/is-default-class").equals("true")
              || annotation(o, "storageclass.beta.kubernetes.io/is-default-class").equals("true")) {
            name += " (default)";
          }
          return row(
              name,
              str(o, "provisioner"),
              orDefault(str(o, "reclaimPolicy"), "Delete"),
              orDefault(str(o, "volumeBindingMode"), "Immediate"),
              bool(o, "allowVolumeExpansion"),
              age(o, now));
        });

    add(
        "storage.k8s.io",
        "volumeattributesclasses",
        List.of(NAME, col("DriverName", "string", "The CSI driver the class is for."), AGE),
        (o, now) -> {
          String name = name(o);
          if (annotation(o, "storage.kubernetes.io/is-default-class").equals("true")) {
            name += " (default)";
          }
          return row(name, str(o, "driverName"), age(o, now));
        });

    add(
        "storage.k8s.io",
        "volumeattachments",
        List.of(
            NAME,
            new Column("Attacher", "string", "name", "The driver that attaches the volume.", 0),
            col("PV", "string", "The persistent volume being attached."),
            col("Node", "string", "The node the volume attaches to."),
            col("Attached", "boolean", "Whether the volume is attached."),
            AGE),
        (o, now) ->
            row(
                name(o),
                str(o, "spec", "attacher"),
                str(o, "spec", "source", "persistentVolumeName"),
                str(o, "spec", "nodeName"),
                bool(o, "status", "attached"),
                age(o, now)));

    add(
        "storage.k8s.io",
        "csinodes",
        List.of(NAME, col("Drivers", "integer", "CSI drivers registered on the node."), AGE),
        (o, now) -> row(name(o), (long) size(o, "spec", "drivers"), age(o, now)));

    add(
        "storage.k8s.io",
        "csidrivers",
        List.of(
            NAME,
            col("AttachRequired", "boolean", "Whether volumes need an attach step."),
            col("PodInfoOnMount", "boolean", "Whether pod details are passed on mount."),
            col("StorageCapacity", "boolean", "Whether the driver reports storage capacity."),
            col("TokenRequests", "string", "Audiences of service account tokens passed on mount."),
            col("RequiresRepublish", "boolean", "Whether volumes are remounted periodically."),
            col("Modes", "string", "Volume lifecycle modes the driver supports."),
            AGE),
        (o, now) -> {
          JsonNode spec = at(o, "spec");
          boolean attach = !has(spec, "attachRequired") || bool(spec, "attachRequired");
          String tokens = "<unset>";
          if (at(spec, "tokenRequests").isArray()) {
            List<String> audiences = new ArrayList<>();
            list(spec, "tokenRequests").forEach(t -> audiences.add(str(t, "audience")));
            tokens = String.join(",", audiences);
          }
          List<String> modes = texts(list(spec, "volumeLifecycleModes"));
          return row(
              name(o),
              attach,
              bool(spec, "podInfoOnMount"),
              bool(spec, "storageCapacity"),
              tokens,
              bool(spec, "requiresRepublish"),
              modes.isEmpty() ? "Persistent" : String.join(",", modes),
              age(o, now));
        });

    add(
        "storage.k8s.io",
        "csistoragecapacities",
        List.of(
            NAME,
            col("StorageClassName", "string", "Storage class the capacity is for."),
            col("Capacity", "string", "Available capacity.")),
        (o, now) ->
            row(
                name(o),
                str(o, "storageClassName"),
                has(o, "capacity") ? str(o, "capacity") : "<unset>"));
  }

  // ---- rbac.authorization.k8s.io ----

  private static void rbac() {
    RowFn binding =
        (o, now) -> {
          List<String> users = new ArrayList<>();
          List<String> groups = new ArrayList<>();
          List<String> sas = new ArrayList<>();
          for (JsonNode s : list(o, "subjects")) {
            switch (str(s, "kind")) {
              case "ServiceAccount" -> sas.add(str(s, "namespace") + "/" + str(s, "name"));
              case "User" -> users.add(str(s, "name"));
              case "Group" -> groups.add(str(s, "name"));
              default -> {}
            }
          }
          return row(
              name(o),
              str(o, "roleRef", "kind") + "/" + str(o, "roleRef", "name"),
              age(o, now),
              String.join(", ", users),
              String.join(", ", groups),
              String.join(", ", sas));
        };
    List<Column> columns =
        List.of(
            NAME,
            col("Role", "string", "The role the binding grants."),
            AGE,
            wide("Users", "string", "Users the binding applies to."),
            wide("Groups", "string", "Groups the binding applies to."),
            wide("ServiceAccounts", "string", "Service accounts the binding applies to."));
    add("rbac.authorization.k8s.io", "rolebindings", columns, binding);
    add("rbac.authorization.k8s.io", "clusterrolebindings", columns, binding);
    // Roles and ClusterRoles have no printer upstream: they get the default Name / Created At.
  }

  // ---- cluster-scoped infrastructure kinds ----

  private static void cluster() {
    add(
        "certificates.k8s.io",
        "certificatesigningrequests",
        List.of(
            NAME,
            AGE,
            col("SignerName", "string", "The signer asked to sign the certificate."),
            col("Requestor", "string", "The user who made the request."),
            col("RequestedDuration", "string", "Validity the requester asked for."),
            col("Condition", "string", "Approved, Denied, Pending, Failed, Issued.")),
        (o, now) -> {
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
          String duration =
              has(o, "spec", "expirationSeconds")
                  ? HumanDuration.format(Duration.ofSeconds(num(o, "spec", "expirationSeconds")))
                  : "<none>";
          return row(
              name(o),
              age(o, now),
              orNone(str(o, "spec", "signerName")),
              str(o, "spec", "username"),
              duration,
              condition);
        });

    add(
        "certificates.k8s.io",
        "clustertrustbundles",
        List.of(NAME, col("SignerName", "string", "The signer the bundle is for.")),
        (o, now) -> row(name(o), orNone(str(o, "spec", "signerName"))));

    add(
        "scheduling.k8s.io",
        "priorityclasses",
        List.of(
            NAME,
            col("Value", "integer", "Priority of pods using the class."),
            col("Global-Default", "boolean", "Whether pods without a class get this one."),
            AGE,
            col("PreemptionPolicy", "string", "Whether pods of the class preempt others.")),
        (o, now) ->
            row(
                name(o),
                num(o, "value"),
                bool(o, "globalDefault"),
                age(o, now),
                orDefault(str(o, "preemptionPolicy"), "PreemptLowerPriority")));

    add(
        "node.k8s.io",
        "runtimeclasses",
        List.of(NAME, col("Handler", "string", "The container runtime handler."), AGE),
        (o, now) -> row(name(o), str(o, "handler"), age(o, now)));

    add(
        "flowcontrol.apiserver.k8s.io",
        "flowschemas",
        List.of(
            NAME,
            col("PriorityLevel", "string", "Priority level the matched requests go to."),
            col("MatchingPrecedence", "string", "Lower values are matched first."),
            col("DistinguisherMethod", "string", "How matched requests are split into flows."),
            AGE,
            col("MissingPL", "string", "Whether the priority level is missing.")),
        new FlowSchemas());

    add(
        "flowcontrol.apiserver.k8s.io",
        "prioritylevelconfigurations",
        List.of(
            NAME,
            col("Type", "string", "Limited or Exempt."),
            col("NominalConcurrencyShares", "string", "Share of the server's concurrency."),
            col("Queues", "string", "Number of queues."),
            col("HandSize", "string", "Queues a flow is shuffle-sharded onto."),
            col("QueueLengthLimit", "string", "Requests each queue may hold."),
            AGE),
        (o, now) -> {
          Object ncs = "<none>";
          Object queues = "<none>";
          Object hand = "<none>";
          Object limit = "<none>";
          JsonNode limited = at(o, "spec", "limited");
          if (limited.isObject()) {
            ncs = num(limited, "nominalConcurrencyShares");
            JsonNode q = at(limited, "limitResponse", "queuing");
            if (q.isObject()) {
              queues = num(q, "queues");
              hand = num(q, "handSize");
              limit = num(q, "queueLengthLimit");
            }
          }
          return row(name(o), str(o, "spec", "type"), ncs, queues, hand, limit, age(o, now));
        });

    add(
        "internal.apiserver.k8s.io",
        "storageversions",
        List.of(
            NAME,
            col("CommonEncodingVersion", "string", "The encoding version all servers agree on."),
            col("StorageVersions", "string", "Encoding version of each API server."),
            AGE),
        (o, now) -> {
          List<String> versions = new ArrayList<>();
          for (JsonNode sv : list(o, "status", "storageVersions")) {
            versions.add(str(sv, "apiServerID") + "=" + str(sv, "encodingVersion"));
          }
          return row(
              name(o),
              has(o, "status", "commonEncodingVersion")
                  ? str(o, "status", "commonEncodingVersion")
                  : "<unset>",
              listWithMore(versions, 3),
              age(o, now));
        });

    add(
        "storagemigration.k8s.io",
        "storageversionmigrations",
        List.of(
            new Column("Name", "string", "", "Name of the migration.", 0),
            col("Resource", "string", "The resource being migrated.")),
        (o, now) ->
            row(
                name(o),
                str(o, "spec", "resource", "resource")
                    + "."
                    + str(o, "spec", "resource", "version")
                    + "."
                    + str(o, "spec", "resource", "group")));

    add(
        "apiregistration.k8s.io",
        "apiservices",
        List.of(
            NAME,
            col("Service", "string", "The service that serves the API, or Local."),
            col("Available", "string", "Whether the API is available."),
            AGE),
        (o, now) -> {
          String service = "Local";
          if (at(o, "spec", "service").isObject()) {
            service =
                str(o, "spec", "service", "namespace") + "/" + str(o, "spec", "service", "name");
          }
          String available = "Unknown";
          JsonNode c = condition(at(o, "status", "conditions"), "Available");
          if (c != null) {
            String s = str(c, "status");
            available =
                s.equals("True") || str(c, "reason").isEmpty()
                    ? s
                    : s + " (" + str(c, "reason") + ")";
          }
          return row(name(o), service, available, age(o, now));
        });
  }

  /** Flow schemas list in matching order: by precedence, then name. */
  private static final class FlowSchemas implements RowFn {
    @Override
    public Printer.Row row(JsonNode o, Instant now) {
      String distinguisher =
          has(o, "spec", "distinguisherMethod")
              ? str(o, "spec", "distinguisherMethod", "type")
              : "<none>";
      String missing = "?";
      JsonNode dangling = condition(at(o, "status", "conditions"), "Dangling");
      if (dangling != null) {
        missing = str(dangling, "status");
      }
      return BuiltinPrinters.row(
          name(o),
          str(o, "spec", "priorityLevelConfiguration", "name"),
          num(o, "spec", "matchingPrecedence"),
          distinguisher,
          age(o, now),
          missing);
    }
  }

  static {
    Printer flow = PRINTERS.get("flowcontrol.apiserver.k8s.io/flowschemas");
    PRINTERS.put(
        "flowcontrol.apiserver.k8s.io/flowschemas",
        new Printer() {
          @Override
          public List<Column> columns() {
            return flow.columns();
          }

          @Override
          public Row row(JsonNode obj, Instant now) {
            return flow.row(obj, now);
          }

          @Override
          public List<JsonNode> order(List<JsonNode> items) {
            List<JsonNode> sorted = new ArrayList<>(items);
            sorted.sort(
                Comparator.comparingLong((JsonNode o) -> num(o, "spec", "matchingPrecedence"))
                    .thenComparing(Cells::name));
            return sorted;
          }
        });
  }

  // ---- admissionregistration.k8s.io ----

  private static void admission() {
    List<Column> webhooks =
        List.of(NAME, col("Webhooks", "integer", "Webhooks in the configuration."), AGE);
    RowFn webhookRow = (o, now) -> row(name(o), (long) size(o, "webhooks"), age(o, now));
    add("admissionregistration.k8s.io", "mutatingwebhookconfigurations", webhooks, webhookRow);
    add("admissionregistration.k8s.io", "validatingwebhookconfigurations", webhooks, webhookRow);

    add(
        "admissionregistration.k8s.io",
        "validatingadmissionpolicies",
        List.of(
            NAME,
            col("Validations", "integer", "Validation rules in the policy."),
            col("ParamKind", "string", "Kind of the policy's parameter objects."),
            AGE),
        (o, now) -> row(name(o), (long) size(o, "spec", "validations"), paramKind(o), age(o, now)));
    add(
        "admissionregistration.k8s.io",
        "mutatingadmissionpolicies",
        List.of(
            NAME,
            col("Mutations", "integer", "Mutation rules in the policy."),
            col("ParamKind", "string", "Kind of the policy's parameter objects."),
            AGE),
        (o, now) -> row(name(o), (long) size(o, "spec", "mutations"), paramKind(o), age(o, now)));

    List<Column> bindings =
        List.of(
            NAME,
            col("PolicyName", "string", "The policy the binding applies."),
            col("ParamRef", "string", "The parameter object the binding uses."),
            AGE);
    RowFn bindingRow =
        (o, now) -> {
          String param = "<unset>";
          JsonNode ref = at(o, "spec", "paramRef");
          if (ref.isObject()) {
            if (!str(ref, "name").isEmpty()) {
              param =
                  (str(ref, "namespace").isEmpty() ? "*" : str(ref, "namespace"))
                      + "/"
                      + str(ref, "name");
            } else if (at(ref, "selector").isObject()) {
              param = formatSelector(at(ref, "selector"));
            }
          }
          return row(name(o), str(o, "spec", "policyName"), param, age(o, now));
        };
    add("admissionregistration.k8s.io", "validatingadmissionpolicybindings", bindings, bindingRow);
    add("admissionregistration.k8s.io", "mutatingadmissionpolicybindings", bindings, bindingRow);
  }

  private static String paramKind(JsonNode o) {
    JsonNode k = at(o, "spec", "paramKind");
    return k.isObject() ? str(k, "apiVersion") + "/" + str(k, "kind") : "<unset>";
  }

  // ---- resource.k8s.io ----

  private static void resource() {
    add(
        "resource.k8s.io",
        "deviceclasses",
        List.of(NAME, AGE),
        (o, now) -> row(name(o), age(o, now)));
    add(
        "resource.k8s.io",
        "resourceclaimtemplates",
        List.of(NAME, AGE),
        (o, now) -> row(name(o), age(o, now)));
    add(
        "resource.k8s.io",
        "resourceclaims",
        List.of(NAME, col("State", "string", "Pending, allocated, reserved or deleted."), AGE),
        (o, now) -> {
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
          return row(name(o), String.join(",", states), age(o, now));
        });
    add(
        "resource.k8s.io",
        "resourceslices",
        List.of(
            NAME,
            col("Node", "string", "The node the devices are on."),
            col("Driver", "string", "The driver that publishes the slice."),
            col("Pool", "string", "The pool the slice belongs to."),
            AGE),
        (o, now) ->
            row(
                name(o),
                str(o, "spec", "nodeName"),
                str(o, "spec", "driver"),
                str(o, "spec", "pool", "name"),
                age(o, now)));
  }

  // ---- helpers ----

  private static String orDefault(String s, String fallback) {
    return s == null || s.isEmpty() ? fallback : s;
  }

  private static String unset(String s) {
    return s == null || s.isEmpty() ? "<unset>" : s;
  }

  private static String unknown(String s) {
    return s == null || s.isEmpty() ? "<unknown>" : s;
  }

  private static String annotation(JsonNode o, String key) {
    return str(o, "metadata", "annotations", key);
  }

  private static List<String> texts(List<JsonNode> nodes) {
    List<String> out = new ArrayList<>();
    nodes.forEach(n -> out.add(n.asText()));
    return out;
  }

  /** {@code GetAccessModesAsString}: RWO, ROX, RWX, RWOP in that order, de-duplicated. */
  private static String accessModes(JsonNode modes) {
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
