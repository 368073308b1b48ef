package dev.flotilla.sim.pods;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.policies.conditions.Conditions;
import dev.flotilla.sim.SimAnnotations;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * The status kubelet would report for a pod: pure functions of the pod, its node and its IP,
 * keeping the timestamps and container IDs of the previous status so that an unchanged pod yields
 * an equal status.
 */
public final class PodStatuses {
  private PodStatuses() {}

  /** True unless the pod is annotated not ready. */
  public static boolean wantsReady(JsonNode pod) {
    return !"false"
        .equals(pod.path("metadata").path("annotations").path(SimAnnotations.READY).asText());
  }

  /** True when the pod's Ready condition is True. */
  public static boolean isReady(JsonNode pod) {
    return Conditions.isTrue(pod.path("status").path("conditions"), "Ready");
  }

  /** Succeeded and Failed pods are done; they hold no IP and count for no workload. */
  public static boolean isTerminal(JsonNode pod) {
    String phase = pod.path("status").path("phase").asText();
    return phase.equals("Succeeded") || phase.equals("Failed");
  }

  /**
   * A pod running on a node at {@code hostIp} with {@code podIp}; ready when it is not annotated
   * otherwise and {@code nodeReady}.
   */
  public static ObjectNode running(
      JsonNode pod, String hostIp, String podIp, boolean nodeReady, String now) {
    if (InteractivePods.waitsForInput(pod)) {
      return InteractivePods.exited(pod, hostIp, now); // nobody should wait on a simulated pod
    }
    JsonNode old = pod.path("status");
    JsonNode oldConditions = old.path("conditions");
    String started = old.path("startTime").asText(now);
    boolean ready = wantsReady(pod) && nodeReady;
    List<String> containers = names(pod.path("spec").path("containers"));
    String notReady = "containers with unready status: [" + String.join(" ", containers) + "]";

    ObjectNode status = Json.MAPPER.createObjectNode();
    status.put("phase", "Running");
    ArrayNode conditions = status.putArray("conditions");
    conditions.add(podCondition(oldConditions, "PodReadyToStartContainers", true, null, null, now));
    conditions.add(podCondition(oldConditions, "Initialized", true, null, null, now));
    conditions.add(
        podCondition(
            oldConditions,
            "Ready",
            ready,
            ready ? null : "ContainersNotReady",
            ready ? null : notReady,
            now));
    conditions.add(
        podCondition(
            oldConditions,
            "ContainersReady",
            ready,
            ready ? null : "ContainersNotReady",
            ready ? null : notReady,
            now));
    conditions.add(podCondition(oldConditions, "PodScheduled", true, null, null, now));
    status.put("hostIP", hostIp);
    status.putArray("hostIPs").addObject().put("ip", hostIp);
    if (pod.path("spec").path("hostNetwork").asBoolean(false)) {
      podIp = hostIp;
    }
    status.put("podIP", podIp);
    status.putArray("podIPs").addObject().put("ip", podIp);
    status.put("startTime", started);
    JsonNode initContainers = pod.path("spec").path("initContainers");
    if (initContainers.size() > 0) {
      ArrayNode inits = status.putArray("initContainerStatuses");
      for (JsonNode c : initContainers) {
        inits.add(initContainerStatus(pod, c, old.path("initContainerStatuses"), started));
      }
    }
    ArrayNode statuses = status.putArray("containerStatuses");
    for (JsonNode c : pod.path("spec").path("containers")) {
      statuses.add(containerStatus(pod, c, old.path("containerStatuses"), ready, started));
    }
    status.put("qosClass", qosClass(pod.path("spec")));
    return status;
  }

  /** A pod no node fits: Pending with PodScheduled False. */
  public static ObjectNode unschedulable(JsonNode pod, String message, String now) {
    ObjectNode status = Json.MAPPER.createObjectNode();
    status.put("phase", "Pending");
    status
        .putArray("conditions")
        .add(
            podCondition(
                pod.path("status").path("conditions"),
                "PodScheduled",
                false,
                "Unschedulable",
                message,
                now));
    status.put("qosClass", qosClass(pod.path("spec")));
    return status;
  }

  private static ObjectNode podCondition(
      JsonNode old, String type, boolean value, String reason, String message, String now) {
    ObjectNode c = Conditions.withTransitionTime(old, type, value, reason, message, now);
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.put("type", type);
    out.put("status", c.get("status").asText());
    out.putNull("lastProbeTime");
    out.put("lastTransitionTime", c.get("lastTransitionTime").asText());
    if (reason != null) {
      out.put("reason", reason);
    }
    if (message != null) {
      out.put("message", message);
    }
    return out;
  }

  private static ObjectNode containerStatus(
      JsonNode pod, JsonNode container, JsonNode previous, boolean ready, String started) {
    String name = container.path("name").asText();
    JsonNode old = byName(previous, name);
    ObjectNode s = Json.MAPPER.createObjectNode();
    s.put("name", name);
    s.set(
        "state",
        Json.MAPPER
            .createObjectNode()
            .set(
                "running",
                Json.MAPPER
                    .createObjectNode()
                    .put(
                        "startedAt",
                        old == null
                            ? started
                            : old.path("state")
                                .path("running")
                                .path("startedAt")
                                .asText(started))));
    s.putObject("lastState");
    s.put("ready", ready);
    s.put("restartCount", 0);
    s.put("image", container.path("image").asText());
    s.put("imageID", imageId(container.path("image").asText()));
    s.put(
        "containerID",
        old == null || !old.path("containerID").isTextual()
            ? newContainerId(pod, name)
            : old.path("containerID").asText());
    s.put("started", true);
    return s;
  }

  private static ObjectNode initContainerStatus(
      JsonNode pod, JsonNode container, JsonNode previous, String started) {
    String name = container.path("name").asText();
    JsonNode old = byName(previous, name);
    String id =
        old == null || !old.path("containerID").isTextual()
            ? newContainerId(pod, name)
            : old.path("containerID").asText();
    ObjectNode s = Json.MAPPER.createObjectNode();
    s.put("name", name);
    ObjectNode terminated = s.putObject("state").putObject("terminated");
    terminated.put("exitCode", 0);
    terminated.put("reason", "Completed");
    terminated.put("startedAt", started);
    terminated.put("finishedAt", started);
    terminated.put("containerID", id);
    s.putObject("lastState");
    s.put("ready", true);
    s.put("restartCount", 0);
    s.put("image", container.path("image").asText());
    s.put("imageID", imageId(container.path("image").asText()));
    s.put("containerID", id);
    s.put("started", false);
    return s;
  }

  private static JsonNode byName(JsonNode statuses, String name) {
    for (JsonNode s : statuses) {
      if (name.equals(s.path("name").asText())) {
        return s;
      }
    }
    return null;
  }

  private static List<String> names(JsonNode containers) {
    List<String> out = new ArrayList<>();
    containers.forEach(c -> out.add(c.path("name").asText()));
    return out;
  }

  /** A registry digest reference, derived from the image name (nothing is pulled). */
  static String imageId(String image) {
    String repo = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
    int colon = repo.lastIndexOf(':');
    if (colon > repo.lastIndexOf('/')) {
      repo = repo.substring(0, colon);
    }
    return repo + "@sha256:" + sha256(image);
  }

  private static String newContainerId(JsonNode pod, String container) {
    return "containerd://" + sha256(UUID.randomUUID() + "/" + container);
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Guaranteed, Burstable or BestEffort, from the containers' requests and limits. */
  static String qosClass(JsonNode spec) {
    boolean anySet = false;
    boolean guaranteed = true;
    List<JsonNode> all = new ArrayList<>();
    spec.path("containers").forEach(all::add);
    spec.path("initContainers").forEach(all::add);
    for (JsonNode c : all) {
      JsonNode requests = c.path("resources").path("requests");
      JsonNode limits = c.path("resources").path("limits");
      anySet |= requests.size() > 0 || limits.size() > 0;
      for (String r : new String[] {"cpu", "memory"}) {
        JsonNode limit = limits.path(r);
        JsonNode request = requests.path(r);
        if (limit.isMissingNode()
            || (!request.isMissingNode() && !request.asText().equals(limit.asText()))) {
          guaranteed = false;
        }
      }
    }
    if (!anySet) {
      return "BestEffort";
    }
    return guaranteed ? "Guaranteed" : "Burstable";
  }
}
