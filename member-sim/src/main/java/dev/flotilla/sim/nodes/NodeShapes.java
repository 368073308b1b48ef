package dev.flotilla.sim.nodes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.policies.conditions.Conditions;
import dev.flotilla.sim.MemberCluster;
import dev.flotilla.sim.SimAnnotations;
import dev.flotilla.sim.net.Ipv4Cidr;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

/** The desired form of simulated nodes: pure functions of the member's configuration. */
public final class NodeShapes {
  public static final String KUBELET_VERSION = "v1.33.0";

  /** Kubelet's healthy pressure conditions: type, reason, message. */
  private static final String[][] PRESSURES = {
    {"MemoryPressure", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"},
    {"DiskPressure", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"},
    {"PIDPressure", "KubeletHasSufficientPID", "kubelet has sufficient PID available"}
  };

  private NodeShapes() {}

  /** The labels a node of {@code cluster} carries, as kubelet and the cloud provider set them. */
  public static Map<String, String> labels(MemberCluster cluster, int k) {
    return Map.of(
        "kubernetes.io/hostname",
        cluster.nodeName(k),
        "kubernetes.io/os",
        "linux",
        "kubernetes.io/arch",
        "amd64",
        "beta.kubernetes.io/os",
        "linux",
        "beta.kubernetes.io/arch",
        "amd64",
        "node.kubernetes.io/instance-type",
        "sim.standard",
        "topology.kubernetes.io/region",
        cluster.region(),
        "topology.kubernetes.io/zone",
        cluster.zoneOfNode(k),
        SimAnnotations.NODE_LABEL,
        cluster.name());
  }

  /** Node k's /24 of the pod CIDR (kind's layout), or null when the pod CIDR is too small. */
  public static String podCidr(MemberCluster cluster, int k) {
    Ipv4Cidr pods = Ipv4Cidr.parse(cluster.podCidr());
    if (pods.prefix() > 23 || k >= (1L << (24 - pods.prefix()))) {
      return null;
    }
    return pods.subnet(24, k).toString();
  }

  public static String internalIp(MemberCluster cluster, int k) {
    return Ipv4Cidr.parse(cluster.nodeCidr()).address(k + 1L);
  }

  /** A new node k, Ready, with its spec and status. */
  public static ObjectNode newNode(MemberCluster cluster, int k, String now) {
    ObjectNode node = Json.MAPPER.createObjectNode();
    node.put("apiVersion", "v1");
    node.put("kind", "Node");
    ObjectNode meta = node.putObject("metadata");
    meta.put("name", cluster.nodeName(k));
    ObjectNode labels = meta.putObject("labels");
    labels(cluster, k).entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> labels.put(e.getKey(), e.getValue()));
    meta.putObject("annotations").put("node.alpha.kubernetes.io/ttl", "0");
    ObjectNode spec = node.putObject("spec");
    String cidr = podCidr(cluster, k);
    if (cidr != null) {
      spec.put("podCIDR", cidr);
      spec.putArray("podCIDRs").add(cidr);
    }
    spec.put("providerID", cluster.provider() + "://" + cluster.name() + "/" + cluster.nodeName(k));
    node.set("status", status(cluster, k, node, now));
    return node;
  }

  /** True unless the node is annotated not ready. */
  public static boolean wantsReady(JsonNode node) {
    return !"false"
        .equals(node.path("metadata").path("annotations").path(SimAnnotations.READY).asText());
  }

  /** True when the node's Ready condition is True. */
  public static boolean isReady(JsonNode node) {
    return Conditions.isTrue(node.path("status").path("conditions"), "Ready");
  }

  /** The status node k should have, keeping the timestamps of {@code current} where unchanged. */
  public static ObjectNode status(MemberCluster cluster, int k, JsonNode current, String now) {
    JsonNode old = current.path("status").path("conditions");
    ObjectNode status = Json.MAPPER.createObjectNode();
    ObjectNode capacity = status.putObject("capacity");
    capacity.put("cpu", cluster.nodeResources().cpu());
    capacity.put("memory", cluster.nodeResources().memory());
    capacity.put("pods", Integer.toString(cluster.nodeResources().pods()));
    capacity.put("ephemeral-storage", "100Gi");
    status.set("allocatable", capacity.deepCopy());
    ArrayNode conditions = status.putArray("conditions");
    for (String[] pressure : PRESSURES) {
      conditions.add(
          heartbeat(
              Conditions.withTransitionTime(
                  old, pressure[0], false, pressure[1], pressure[2], now)));
    }
    boolean ready = wantsReady(current);
    conditions.add(
        heartbeat(
            Conditions.withTransitionTime(
                old,
                "Ready",
                ready,
                ready ? "KubeletReady" : "KubeletNotReady",
                ready
                    ? "kubelet is posting ready status"
                    : "simulated: the node is annotated " + SimAnnotations.READY + "=false",
                now)));
    ArrayNode addresses = status.putArray("addresses");
    addresses.addObject().put("type", "InternalIP").put("address", internalIp(cluster, k));
    addresses.addObject().put("type", "Hostname").put("address", cluster.nodeName(k));
    status.putObject("daemonEndpoints").putObject("kubeletEndpoint").put("Port", 10250);
    ObjectNode info = status.putObject("nodeInfo");
    String id =
        UUID.nameUUIDFromBytes((cluster.name() + "/" + k).getBytes(StandardCharsets.UTF_8))
            .toString();
    info.put("machineID", id.replace("-", ""));
    info.put("systemUUID", id);
    info.put("bootID", id);
    info.put("kernelVersion", "6.1.0-sim");
    info.put("osImage", "Flotilla simulated node");
    info.put("containerRuntimeVersion", "containerd://1.7.24");
    info.put("kubeletVersion", KUBELET_VERSION);
    info.put("kubeProxyVersion", KUBELET_VERSION);
    info.put("operatingSystem", "linux");
    info.put("architecture", "amd64");
    return status;
  }

  /** Node conditions carry lastHeartbeatTime; it moves with the transition (no heartbeats). */
  private static ObjectNode heartbeat(ObjectNode condition) {
    ObjectNode c = Json.MAPPER.createObjectNode();
    c.put("type", condition.get("type").asText());
    c.put("status", condition.get("status").asText());
    c.put("lastHeartbeatTime", condition.get("lastTransitionTime").asText());
    c.put("lastTransitionTime", condition.get("lastTransitionTime").asText());
    c.put("reason", condition.path("reason").asText());
    c.put("message", condition.path("message").asText());
    return c;
  }

  /** The node's zone label, or null. */
  public static String zone(JsonNode node) {
    JsonNode z = node.path("metadata").path("labels").path("topology.kubernetes.io/zone");
    return z.isTextual() ? z.asText() : null;
  }

  /** The node's InternalIP, or null. */
  public static String internalIp(JsonNode node) {
    for (JsonNode a : node.path("status").path("addresses")) {
      if ("InternalIP".equals(a.path("type").asText())) {
        return a.path("address").asText();
      }
    }
    return null;
  }
}
