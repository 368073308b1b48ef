package dev.flotilla.apiserver.defaults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.objects.Meta;
import dev.flotilla.apiserver.objects.ObjectHook;
import dev.flotilla.apiserver.registry.ResourceType;
import java.util.ArrayList;
import java.util.List;

/**
 * Defaults of a core/v1 Service: type ClusterIP, session affinity None, TCP ports whose target is
 * the port, a single-stack IPv4 cluster IP from {@link ServiceAddresses}, node ports for NodePort
 * and LoadBalancer services, and the traffic policies. Updates keep the allocated addresses when
 * the new object leaves them out and refuse to change an allocated cluster IP.
 */
final class ServiceDefaults implements ObjectHook {
  private final ServiceAddresses addresses;

  ServiceDefaults(ServiceAddresses addresses) {
    this.addresses = addresses;
  }

  @Override
  public void beforeCreate(ResourceType type, ObjectNode obj) {
    ObjectNode spec = Defaults.object(obj, "spec");
    if (spec != null) {
      apply(spec);
    }
  }

  @Override
  public void beforeUpdate(ResourceType type, ObjectNode old, ObjectNode updated) {
    ObjectNode spec = Defaults.object(updated, "spec");
    if (spec == null) {
      return;
    }
    JsonNode oldSpec = old.path("spec");
    keepAllocated(type, Meta.name(updated), oldSpec, spec);
    dropTypeDependentFields(spec);
    apply(spec);
  }

  /**
   * As upstream on update: fields that only mean something for some Service types go when the type
   * no longer has them (NodePort/LoadBalancer to ClusterIP drops node ports and the external
   * traffic policy; ExternalName drops every address field).
   */
  private static void dropTypeDependentFields(ObjectNode spec) {
    String serviceType = spec.path("type").asText("ClusterIP");
    boolean nodePorts = serviceType.equals("NodePort") || serviceType.equals("LoadBalancer");
    if (!nodePorts) {
      for (JsonNode port : spec.path("ports")) {
        if (port instanceof ObjectNode p) {
          p.remove("nodePort");
        }
      }
      spec.remove("externalTrafficPolicy");
      spec.remove("healthCheckNodePort");
    }
    if (!serviceType.equals("LoadBalancer")) {
      spec.remove("allocateLoadBalancerNodePorts");
    }
    if (serviceType.equals("ExternalName")) {
      for (String f : List.of("clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy")) {
        spec.remove(f);
      }
      spec.remove("internalTrafficPolicy");
    }
  }

  private void apply(ObjectNode spec) {
    Defaults.putIfAbsent(spec, "type", "ClusterIP");
    String serviceType = spec.path("type").asText();
    Defaults.putIfAbsent(spec, "sessionAffinity", "None");
    for (JsonNode port : spec.path("ports")) {
      if (port.isObject()) {
        ObjectNode p = (ObjectNode) port;
        Defaults.putIfAbsent(p, "protocol", "TCP");
        if (Defaults.unset(p, "targetPort") && p.has("port")) {
          p.set("targetPort", p.get("port").deepCopy());
        }
      }
    }
    if (serviceType.equals("ExternalName")) {
      return;
    }
    if (Defaults.unset(spec, "clusterIP") || spec.get("clusterIP").asText().isEmpty()) {
      JsonNode ips = spec.path("clusterIPs");
      String first = ips.isArray() && ips.size() > 0 ? ips.get(0).asText("") : "";
      spec.put("clusterIP", first.isEmpty() ? addresses.allocateClusterIp() : first);
    }
    if (Defaults.unset(spec, "clusterIPs") || spec.get("clusterIPs").isEmpty()) {
      spec.putArray("clusterIPs").add(spec.get("clusterIP").asText());
    }
    if (Defaults.unset(spec, "ipFamilies") || spec.get("ipFamilies").isEmpty()) {
      spec.putArray("ipFamilies").add("IPv4");
    }
    Defaults.putIfAbsent(spec, "ipFamilyPolicy", "SingleStack");
    Defaults.putIfAbsent(spec, "internalTrafficPolicy", "Cluster");
    if (serviceType.equals("NodePort") || serviceType.equals("LoadBalancer")) {
      Defaults.putIfAbsent(spec, "externalTrafficPolicy", "Cluster");
      if (serviceType.equals("LoadBalancer")) {
        Defaults.putIfAbsent(spec, "allocateLoadBalancerNodePorts", true);
      }
      if (!serviceType.equals("LoadBalancer")
          || spec.path("allocateLoadBalancerNodePorts").asBoolean(true)) {
        for (JsonNode port : spec.path("ports")) {
          if (port.isObject()
              && (Defaults.unset(port, "nodePort") || port.get("nodePort").asInt() == 0)) {
            ((ObjectNode) port).put("nodePort", addresses.allocateNodePort());
          }
        }
      }
    }
  }

  /**
   * Upstream's update keeps what was allocated: a replace from a manifest without {@code clusterIP}
   * or {@code nodePort} gets the old values, a changed cluster IP is refused.
   */
  private static void keepAllocated(
      ResourceType type, String name, JsonNode oldSpec, ObjectNode spec) {
    String oldIp = oldSpec.path("clusterIP").asText("");
    if (oldIp.isEmpty() || spec.path("type").asText("ClusterIP").equals("ExternalName")) {
      return;
    }
    String newIp = spec.path("clusterIP").asText("");
    if (newIp.isEmpty()) {
      spec.put("clusterIP", oldIp);
      if (oldSpec.has("clusterIPs")
          && (Defaults.unset(spec, "clusterIPs") || spec.get("clusterIPs").isEmpty())) {
        spec.set("clusterIPs", oldSpec.get("clusterIPs").deepCopy());
      }
    } else if (!newIp.equals(oldIp)) {
      throw ApiException.invalid(
          type,
          name,
          "spec.clusterIPs[0]",
          "Invalid value: " + quoted(List.of(newIp)) + ": may not change once set");
    }
    List<JsonNode> oldPorts = new ArrayList<>();
    oldSpec.path("ports").forEach(oldPorts::add);
    for (JsonNode port : spec.path("ports")) {
      if (!port.isObject()
          || (!Defaults.unset(port, "nodePort") && port.get("nodePort").asInt() != 0)) {
        continue;
      }
      for (JsonNode old : oldPorts) {
        if (samePort(old, port) && old.path("nodePort").asInt() != 0) {
          ((ObjectNode) port).put("nodePort", old.get("nodePort").asInt());
        }
      }
    }
  }

  private static boolean samePort(JsonNode a, JsonNode b) {
    return a.path("port").asInt() == b.path("port").asInt()
        && a.path("protocol").asText("TCP").equals(b.path("protocol").asText("TCP"));
  }

  private static String quoted(List<String> values) {
    ArrayNode array = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
    values.forEach(array::add);
    return "[]string" + array.toString().replace("[", "{").replace("]", "}");
  }
}
