package dev.flotilla.apiserver.table;

import static dev.flotilla.apiserver.table.Cells.age;
import static dev.flotilla.apiserver.table.Cells.at;
import static dev.flotilla.apiserver.table.Cells.bool;
import static dev.flotilla.apiserver.table.Cells.condition;
import static dev.flotilla.apiserver.table.Cells.conditionTrue;
import static dev.flotilla.apiserver.table.Cells.deleting;
import static dev.flotilla.apiserver.table.Cells.firstNonEmpty;
import static dev.flotilla.apiserver.table.Cells.has;
import static dev.flotilla.apiserver.table.Cells.list;
import static dev.flotilla.apiserver.table.Cells.name;
import static dev.flotilla.apiserver.table.Cells.num;
import static dev.flotilla.apiserver.table.Cells.orNone;
import static dev.flotilla.apiserver.table.Cells.size;
import static dev.flotilla.apiserver.table.Cells.str;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The built-in printers whose cells are computed together: a pod's status walks all its containers
 * once, and an event's columns read two API versions' field names.
 */
final class PrinterRows {
  private PrinterRows() {}

  /** A whole row of one object. */
  @FunctionalInterface
  interface RowFn {
    Printer.Row row(JsonNode obj, Instant now);
  }

  /** The row functions by the name builtin-printers.yaml uses. */
  static Map<String, RowFn> all() {
    return Map.of(
        "pod", PrinterRows::pod,
        "event", (o, now) -> event(o, now, false),
        "eventsApiEvent", (o, now) -> event(o, now, true));
  }

  private static Printer.Row row(Object... cells) {
    return Printer.Row.of(cells);
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
}
