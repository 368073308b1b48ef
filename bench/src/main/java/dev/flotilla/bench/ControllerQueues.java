package dev.flotilla.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The workqueue figures of the hub controllers on the distribution path (detector, scheduler,
 * binding controller) between two scrapes: whether a stage's time is spent waiting in its queue or
 * in its reconciles.
 */
record ControllerQueues(Map<String, ControllerQueueStats> byController) {
  static final List<String> PATH = List.of("resource-detector", "scheduler", "binding-controller");

  static ControllerQueues sample(FleetUnderTest fleet) throws Exception {
    var response = fleet.hub.client().get("/metrics/controllers");
    String metrics = response.statusCode() == 200 ? response.body() : "";
    Map<String, ControllerQueueStats> out = new LinkedHashMap<>();
    for (String name : PATH) {
      out.put(name, ControllerQueueStats.parse(metrics, name));
    }
    return new ControllerQueues(out);
  }

  ControllerQueues since(ControllerQueues before) {
    Map<String, ControllerQueueStats> out = new LinkedHashMap<>();
    byController.forEach((name, now) -> out.put(name, now.since(before.byController.get(name))));
    return new ControllerQueues(out);
  }

  void print() {
    byController.forEach(
        (name, stats) -> System.out.printf("          %s: %s%n", name, stats.summary()));
  }
}
