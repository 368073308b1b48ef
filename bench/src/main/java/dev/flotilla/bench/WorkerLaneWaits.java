package dev.flotilla.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The hub's API worker lanes between two scrapes of {@code /metrics}: tasks started and their mean
 * wait in the queue, per lane (urgent, control, ordinary, bulk), so a run shows whether the
 * controllers' requests waited behind the agents'. Each hop of a request through the pool is a
 * task.
 */
record WorkerLaneWaits(Map<String, double[]> byLane) {
  static final List<String> LANES = List.of("urgent", "control", "ordinary", "bulk");

  static WorkerLaneWaits sample(FleetUnderTest fleet) throws Exception {
    var response = fleet.hub.client().get("/metrics");
    String metrics = response.statusCode() == 200 ? response.body() : "";
    Map<String, double[]> out = new LinkedHashMap<>();
    for (String lane : LANES) {
      out.put(
          lane,
          new double[] {
            value(metrics, "flotilla_apiserver_worker_tasks_total", lane),
            value(metrics, "flotilla_apiserver_worker_queue_wait_seconds_total", lane)
          });
    }
    return new WorkerLaneWaits(out);
  }

  WorkerLaneWaits since(WorkerLaneWaits before) {
    Map<String, double[]> out = new LinkedHashMap<>();
    byLane.forEach(
        (lane, now) -> {
          double[] then = before.byLane.get(lane);
          out.put(lane, new double[] {now[0] - then[0], now[1] - then[1]});
        });
    return new WorkerLaneWaits(out);
  }

  /** One line: per lane, tasks and their mean queue wait; empty on a hub without the metrics. */
  String summary(int templates) {
    StringBuilder s = new StringBuilder();
    byLane.forEach(
        (lane, f) -> {
          if (Double.isNaN(f[0])) {
            return;
          }
          s.append(s.length() == 0 ? "" : "; ")
              .append(
                  String.format(
                      "%s %.1f tasks/template, mean wait %.1f ms",
                      lane, f[0] / templates, f[0] == 0 ? 0 : f[1] * 1000 / f[0]));
        });
    return s.length() == 0 ? "(this hub has no lane metrics)" : s.toString();
  }

  private static double value(String metrics, String name, String lane) {
    String prefix = name + "{lane=\"" + lane + "\"";
    for (String line : metrics.split("\n")) {
      if (line.startsWith(prefix)) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return Double.NaN;
  }
}
