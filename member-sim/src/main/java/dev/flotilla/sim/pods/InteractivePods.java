package dev.flotilla.sim.pods;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.Json;

/**
 * Pods a person waits on, as {@code kubectl run -i --restart=Never} makes them: a container reading
 * stdin in a pod that should run to completion. A simulated member runs nothing, so such a pod
 * would look Running forever and kubectl would wait a minute for it to finish; instead it ends at
 * once, Failed, its container terminated with reason {@value #REASON} and a message saying why,
 * which kubectl prints ({@code pod default/x terminated (Simulated)}) before exiting non-zero.
 */
public final class InteractivePods {
  public static final String REASON = "Simulated";

  /** The exit code reported: 126, as a shell reports a command it cannot execute. */
  public static final int EXIT_CODE = 126;

  private InteractivePods() {}

  /** A pod with restartPolicy Never or OnFailure whose container wants stdin. */
  public static boolean waitsForInput(JsonNode pod) {
    String restart = pod.path("spec").path("restartPolicy").asText("Always");
    if (restart.equals("Always")) {
      return false;
    }
    for (JsonNode c : pod.path("spec").path("containers")) {
      if (c.path("stdin").asBoolean(false)) {
        return true;
      }
    }
    return false;
  }

  /** The message on the terminated container. */
  static String message(JsonNode pod) {
    return "pod "
        + pod.path("metadata").path("namespace").asText()
        + "/"
        + pod.path("metadata").path("name").asText()
        + " is simulated by Flotilla: no container runs, so there is no process to attach to and"
        + " nothing to wait for; use a real member cluster to run it";
  }

  /** The status of such a pod on the node at {@code hostIp}: Failed, every container terminated. */
  static ObjectNode exited(JsonNode pod, String hostIp, String now) {
    JsonNode old = pod.path("status");
    String started = old.path("startTime").asText(now);
    ObjectNode status = Json.MAPPER.createObjectNode();
    status.put("phase", "Failed");
    ArrayNode conditions = status.putArray("conditions");
    for (String type : new String[] {"Initialized", "PodScheduled"}) {
      conditions
          .addObject()
          .put("type", type)
          .put("status", "True")
          .put("lastTransitionTime", started);
    }
    for (String type : new String[] {"Ready", "ContainersReady"}) {
      conditions
          .addObject()
          .put("type", type)
          .put("status", "False")
          .put("reason", "PodFailed")
          .put("lastTransitionTime", started);
    }
    status.put("hostIP", hostIp);
    status.putArray("hostIPs").addObject().put("ip", hostIp);
    status.put("startTime", started);
    ArrayNode statuses = status.putArray("containerStatuses");
    for (JsonNode c : pod.path("spec").path("containers")) {
      ObjectNode s = statuses.addObject();
      s.put("name", c.path("name").asText());
      s.put("image", c.path("image").asText());
      s.put("imageID", PodStatuses.imageId(c.path("image").asText()));
      s.put("ready", false);
      s.put("started", false);
      s.put("restartCount", 0);
      ObjectNode t = s.putObject("state").putObject("terminated");
      t.put("exitCode", EXIT_CODE);
      t.put("reason", REASON);
      t.put("message", message(pod));
      t.put("startedAt", started);
      t.put("finishedAt", started);
    }
    status.put("qosClass", PodStatuses.qosClass(pod.path("spec")));
    return status;
  }
}
