package dev.flotilla.apiserver.table;

import static dev.flotilla.apiserver.table.Cells.at;
import static dev.flotilla.apiserver.table.Cells.bool;
import static dev.flotilla.apiserver.table.Cells.conditionTrue;
import static dev.flotilla.apiserver.table.Cells.deleting;
import static dev.flotilla.apiserver.table.Cells.has;
import static dev.flotilla.apiserver.table.Cells.list;
import static dev.flotilla.apiserver.table.Cells.num;
import static dev.flotilla.apiserver.table.Cells.numOr;
import static dev.flotilla.apiserver.table.Cells.str;
import static dev.flotilla.apiserver.table.PrinterCells.orDefault;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The named cells of apps/v1, batch/v1 and autoscaling printers. */
final class WorkloadCells {
  private WorkloadCells() {}

  static void register(Map<String, Cell> cells) {
    cells.put(
        "replicas.ready",
        (o, now) -> num(o, "status", "readyReplicas") + "/" + numOr(1, o, "spec", "replicas"));
    cells.put(
        "deployment.selector",
        (o, now) -> {
          String selector = Cells.selector(at(o, "spec", "selector"));
          return selector == null ? "<invalid>" : selector;
        });
    cells.put("revision.controller", (o, now) -> controller(o));
    cells.put("job.status", (o, now) -> jobStatus(o));
    cells.put("job.completions", (o, now) -> jobCompletions(at(o, "spec"), at(o, "status")));
    cells.put("job.duration", (o, now) -> jobDuration(at(o, "status"), now));
    cells.put(
        "cronjob.suspend",
        (o, now) ->
            has(o, "spec", "suspend") ? (bool(o, "spec", "suspend") ? "True" : "False") : "False");
    cells.put(
        "cronjob.lastSchedule",
        (o, now) ->
            has(o, "status", "lastScheduleTime")
                ? HumanDuration.since(str(o, "status", "lastScheduleTime"), now)
                : "<none>");
    cells.put(
        "hpa.reference",
        (o, now) ->
            str(o, "spec", "scaleTargetRef", "kind")
                + "/"
                + str(o, "spec", "scaleTargetRef", "name"));
    cells.put("hpa.targets", (o, now) -> hpaMetrics(o));
    cells.put("hpa.minPods", (o, now) -> Long.toString(numOr(1, o, "spec", "minReplicas")));
  }

  /** The controller owner as group-qualified lower-case kind / name. */
  private static String controller(JsonNode o) {
    for (JsonNode ref : list(o, "metadata", "ownerReferences")) {
      if (bool(ref, "controller")) {
        String apiVersion = str(ref, "apiVersion");
        int slash = apiVersion.indexOf('/');
        String group = slash < 0 ? "" : apiVersion.substring(0, slash);
        String kind = str(ref, "kind");
        String groupKind = group.isEmpty() ? kind : kind + "." + group;
        return groupKind.isEmpty()
            ? str(ref, "name")
            : groupKind.toLowerCase(Locale.ROOT) + "/" + str(ref, "name");
      }
    }
    return "<none>";
  }

  private static String jobStatus(JsonNode o) {
    JsonNode conditions = at(o, "status", "conditions");
    if (conditionTrue(conditions, "Complete")) {
      return "Complete";
    } else if (conditionTrue(conditions, "Failed")) {
      return "Failed";
    } else if (deleting(o)) {
      return "Terminating";
    } else if (conditionTrue(conditions, "Suspended")) {
      return "Suspended";
    } else if (conditionTrue(conditions, "FailureTarget")) {
      return "FailureTarget";
    }
    return "Running";
  }

  private static String jobCompletions(JsonNode spec, JsonNode status) {
    long succeeded = num(status, "succeeded");
    boolean defaulted = !has(spec, "completions") && !has(spec, "parallelism");
    if (has(spec, "completions") || defaulted) {
      // Defaulting sets completions and parallelism to 1 when neither is given.
      return succeeded + "/" + numOr(1, spec, "completions");
    }
    long parallelism = num(spec, "parallelism");
    return parallelism > 1 ? succeeded + "/1 of " + parallelism : succeeded + "/1";
  }

  private static String jobDuration(JsonNode status, Instant now) {
    Instant start = HumanDuration.parse(str(status, "startTime"));
    Instant end = HumanDuration.parse(str(status, "completionTime"));
    if (start == null) {
      return "";
    }
    return HumanDuration.format(Duration.between(start, end == null ? now : end));
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
}
