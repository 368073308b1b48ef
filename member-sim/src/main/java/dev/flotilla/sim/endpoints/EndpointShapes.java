package dev.flotilla.sim.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.objects.Meta;
import dev.flotilla.sim.engine.Owners;
import dev.flotilla.sim.net.Ipv4Cidr;
import dev.flotilla.sim.pods.PodStatuses;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The EndpointSlice (discovery.k8s.io/v1) and Endpoints (v1) of a Service with a selector, as
 * kube-controller-manager's controllers write them: pure functions of the Service, its pods and the
 * nodes' zones.
 */
public final class EndpointShapes {
  public static final String SERVICE_NAME = "kubernetes.io/service-name";
  public static final String MANAGED_BY = "endpointslice.kubernetes.io/managed-by";
  public static final String CONTROLLER = "endpointslice-controller.k8s.io";
  public static final String HEADLESS = "service.kubernetes.io/headless";
  public static final String SKIP_MIRROR = "endpointslice.kubernetes.io/skip-mirror";

  /** Kubernetes' name-suffix alphabet (no vowels, nothing confusable). */
  private static final String SAFE = "bcdfghjklmnpqrstvwxz2456789";

  private EndpointShapes() {}

  /** The Service's selector, or an empty map when it has none (no endpoints are managed). */
  public static Map<String, String> selector(JsonNode svc) {
    if ("ExternalName".equals(svc.path("spec").path("type").asText())) {
      return Map.of();
    }
    return Meta.stringMap(svc.path("spec").path("selector"));
  }

  /** True when {@code pod} is one of the Service's endpoints (running or terminating). */
  public static boolean selects(Map<String, String> selector, JsonNode pod) {
    if (selector.isEmpty() || PodStatuses.isTerminal(pod)) {
      return false;
    }
    Map<String, String> labels = Meta.labels(pod);
    for (Map.Entry<String, String> e : selector.entrySet()) {
      if (!e.getValue().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  /** {@code <service>-<5 characters>}: stable for one Service object, new for a recreated one. */
  public static String sliceName(JsonNode svc) {
    String name = svc.path("metadata").path("name").asText();
    byte[] digest;
    try {
      digest =
          MessageDigest.getInstance("SHA-256")
              .digest(svc.path("metadata").path("uid").asText().getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    StringBuilder suffix = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      suffix.append(SAFE.charAt((digest[i] & 0xff) % SAFE.length()));
    }
    return name + "-" + suffix;
  }

  private static boolean headless(JsonNode svc) {
    return "None".equals(svc.path("spec").path("clusterIP").asText());
  }

  /** The labels of the Service's managed slice: the Service's own plus the controller's. */
  public static ObjectNode sliceLabels(JsonNode svc) {
    ObjectNode labels = Json.MAPPER.createObjectNode();
    Meta.labels(svc)
        .forEach(
            (k, v) -> {
              if (!k.equals(SERVICE_NAME) && !k.equals(MANAGED_BY) && !k.equals(HEADLESS)) {
                labels.put(k, v);
              }
            });
    labels.put(SERVICE_NAME, svc.path("metadata").path("name").asText());
    labels.put(MANAGED_BY, CONTROLLER);
    if (headless(svc)) {
      labels.put(HEADLESS, "");
    }
    return labels;
  }

  /** The one EndpointSlice of the Service, with every selected pod that has an IP. */
  public static ObjectNode slice(
      ObjectNode svc, List<? extends JsonNode> pods, Map<String, String> zoneByNode) {
    boolean publishNotReady = svc.path("spec").path("publishNotReadyAddresses").asBoolean(false);
    List<JsonNode> sorted = withIps(pods);
    sorted.sort(Comparator.comparing(p -> p.path("metadata").path("name").asText()));
    ObjectNode slice = Json.MAPPER.createObjectNode();
    slice.put("apiVersion", "discovery.k8s.io/v1");
    slice.put("kind", "EndpointSlice");
    ObjectNode meta = slice.putObject("metadata");
    meta.put("name", sliceName(svc));
    meta.put("namespace", Meta.namespace(svc));
    meta.set("labels", sliceLabels(svc));
    meta.putArray("ownerReferences").add(Owners.controllerRef(svc));
    slice.put("addressType", "IPv4");
    ArrayNode endpoints = slice.putArray("endpoints");
    for (JsonNode pod : sorted) {
      boolean terminating = pod.path("metadata").has("deletionTimestamp");
      boolean podReady = PodStatuses.isReady(pod);
      ObjectNode ep = endpoints.addObject();
      ep.putArray("addresses").add(pod.path("status").path("podIP").asText());
      ObjectNode conditions = ep.putObject("conditions");
      conditions.put("ready", publishNotReady || (podReady && !terminating));
      conditions.put("serving", publishNotReady || podReady);
      conditions.put("terminating", terminating);
      String hostname = hostname(svc, pod);
      if (hostname != null) {
        ep.put("hostname", hostname);
      }
      String node = pod.path("spec").path("nodeName").asText("");
      if (!node.isEmpty()) {
        ep.put("nodeName", node);
        if (zoneByNode.containsKey(node)) {
          ep.put("zone", zoneByNode.get(node));
        }
      }
      ep.set("targetRef", targetRef(pod));
    }
    ArrayNode ports = slice.putArray("ports");
    for (JsonNode sp : svc.path("spec").path("ports")) {
      Integer port = resolve(sp, sorted);
      if (port == null) {
        continue;
      }
      ObjectNode p = ports.addObject();
      p.put("name", sp.path("name").asText(""));
      p.put("port", port);
      p.put("protocol", sp.path("protocol").asText("TCP"));
      if (sp.hasNonNull("appProtocol")) {
        p.set("appProtocol", sp.get("appProtocol"));
      }
    }
    return slice;
  }

  /** The v1 Endpoints of the Service (terminating pods left out, as upstream). */
  public static ObjectNode endpoints(ObjectNode svc, List<? extends JsonNode> pods) {
    boolean publishNotReady = svc.path("spec").path("publishNotReadyAddresses").asBoolean(false);
    List<JsonNode> sorted = withIps(pods);
    sorted.removeIf(p -> p.path("metadata").has("deletionTimestamp") && !publishNotReady);
    sorted.sort(
        Comparator.comparingLong(
            p -> Ipv4Cidr.tryParseAddress(p.path("status").path("podIP").asText())));
    ObjectNode ep = Json.MAPPER.createObjectNode();
    ep.put("apiVersion", "v1");
    ep.put("kind", "Endpoints");
    ObjectNode meta = ep.putObject("metadata");
    meta.put("name", Meta.name(svc));
    meta.put("namespace", Meta.namespace(svc));
    ObjectNode labels = meta.putObject("labels");
    Meta.labels(svc).forEach(labels::put);
    labels.put(SKIP_MIRROR, "true");
    if (headless(svc)) {
      labels.put(HEADLESS, "");
    }
    ArrayNode ready = Json.MAPPER.createArrayNode();
    ArrayNode notReady = Json.MAPPER.createArrayNode();
    for (JsonNode pod : sorted) {
      ObjectNode address = Json.MAPPER.createObjectNode();
      address.put("ip", pod.path("status").path("podIP").asText());
      String hostname = hostname(svc, pod);
      if (hostname != null) {
        address.put("hostname", hostname);
      }
      String node = pod.path("spec").path("nodeName").asText("");
      if (!node.isEmpty()) {
        address.put("nodeName", node);
      }
      address.set("targetRef", targetRef(pod));
      (publishNotReady || PodStatuses.isReady(pod) ? ready : notReady).add(address);
    }
    if (ready.isEmpty() && notReady.isEmpty()) {
      return ep;
    }
    ObjectNode subset = ep.putArray("subsets").addObject();
    if (!ready.isEmpty()) {
      subset.set("addresses", ready);
    }
    if (!notReady.isEmpty()) {
      subset.set("notReadyAddresses", notReady);
    }
    ArrayNode ports = subset.putArray("ports");
    for (JsonNode sp : svc.path("spec").path("ports")) {
      Integer port = resolve(sp, sorted);
      if (port == null) {
        continue;
      }
      ObjectNode p = ports.addObject();
      if (!sp.path("name").asText("").isEmpty()) {
        p.put("name", sp.path("name").asText());
      }
      p.put("port", port);
      p.put("protocol", sp.path("protocol").asText("TCP"));
      if (sp.hasNonNull("appProtocol")) {
        p.set("appProtocol", sp.get("appProtocol"));
      }
    }
    return ep;
  }

  private static List<JsonNode> withIps(List<? extends JsonNode> pods) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode pod : pods) {
      if (!pod.path("status").path("podIP").asText("").isEmpty()) {
        out.add(pod);
      }
    }
    return out;
  }

  /** Upstream publishes a hostname when the pod names the Service as its subdomain. */
  private static String hostname(JsonNode svc, JsonNode pod) {
    String hostname = pod.path("spec").path("hostname").asText("");
    String subdomain = pod.path("spec").path("subdomain").asText("");
    return !hostname.isEmpty() && subdomain.equals(svc.path("metadata").path("name").asText())
        ? hostname
        : null;
  }

  private static ObjectNode targetRef(JsonNode pod) {
    ObjectNode ref = Json.MAPPER.createObjectNode();
    ref.put("kind", "Pod");
    ref.put("namespace", pod.path("metadata").path("namespace").asText());
    ref.put("name", pod.path("metadata").path("name").asText());
    ref.put("uid", pod.path("metadata").path("uid").asText());
    return ref;
  }

  /**
   * The target port of a Service port: the number, or a named container port looked up in the pods
   * (first match); null when a name matches no pod's port.
   */
  static Integer resolve(JsonNode servicePort, List<? extends JsonNode> pods) {
    JsonNode target = servicePort.path("targetPort");
    if (target.canConvertToInt() && target.asInt() > 0) {
      return target.asInt();
    }
    if (target.isTextual() && !target.asText().isEmpty()) {
      String text = target.asText();
      if (text.chars().allMatch(Character::isDigit)) {
        return Integer.parseInt(text);
      }
      for (JsonNode pod : pods) {
        for (JsonNode c : pod.path("spec").path("containers")) {
          for (JsonNode p : c.path("ports")) {
            if (text.equals(p.path("name").asText())) {
              return p.path("containerPort").asInt();
            }
          }
        }
      }
      return null;
    }
    return servicePort.path("port").asInt();
  }
}
