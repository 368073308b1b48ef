package dev.flotilla.sim.services;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.objects.Meta;
import dev.flotilla.apiserver.objects.ObjectHook;
import dev.flotilla.apiserver.registry.ResourceType;
import dev.flotilla.sim.engine.Keys;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * What kube-apiserver's Service REST storage does on a member: defaults, a ClusterIP from the
 * member's service CIDR (none for headless and ExternalName Services), NodePorts for NodePort and
 * LoadBalancer Services, and both kept across updates (an update that leaves them out keeps them;
 * one that changes the ClusterIP is refused with 422).
 */
public final class ServiceAdmission implements ObjectHook {
  private static final String NONE = "None";

  private final ServiceAddresses addresses;

  public ServiceAdmission(ServiceAddresses addresses) {
    this.addresses = addresses;
  }

  @Override
  public void beforeCreate(ResourceType type, ObjectNode svc) {
    ObjectNode spec = svc.with("spec");
    String name = Meta.name(svc);
    String holder = Keys.of(svc);
    defaults(type, name, spec);
    if (isExternalName(spec)) {
      dropClusterIps(spec);
    } else {
      String requested = requestedIp(spec);
      assignIp(type, name, holder, spec, requested.isEmpty() ? null : requested);
    }
    assignNodePorts(type, name, holder, spec, null);
    if (!svc.has("status")) {
      svc.putObject("status").putObject("loadBalancer");
    }
  }

  @Override
  public void beforeUpdate(ResourceType type, ObjectNode old, ObjectNode svc) {
    ObjectNode spec = svc.with("spec");
    String name = Meta.name(svc);
    String holder = Keys.of(svc);
    defaults(type, name, spec);
    if (isExternalName(spec)) {
      dropClusterIps(spec);
    } else {
      JsonNode oldSpec = old.path("spec");
      String oldIp = isExternalName(oldSpec) ? "" : oldSpec.path("clusterIP").asText("");
      String requested = requestedIp(spec);
      if (oldIp.isEmpty()) {
        assignIp(type, name, holder, spec, requested.isEmpty() ? null : requested);
      } else if (requested.isEmpty() || requested.equals(oldIp)) {
        spec.put("clusterIP", oldIp);
        spec.set(
            "clusterIPs",
            oldSpec.has("clusterIPs")
                ? oldSpec.get("clusterIPs").deepCopy()
                : spec.arrayNode().add(oldIp));
        keepOld(spec, oldSpec, "ipFamilies");
        keepOld(spec, oldSpec, "ipFamilyPolicy");
      } else {
        throw ApiException.invalid(
            type,
            name,
            "spec.clusterIP",
            "Invalid value: \"" + requested + "\": field is immutable");
      }
    }
    assignNodePorts(type, name, holder, spec, old.path("spec"));
  }

  /** The defaults kube-apiserver gives a Service, and the port checks it makes. */
  private static void defaults(ResourceType type, String name, ObjectNode spec) {
    if (!spec.path("type").isTextual() || spec.path("type").asText().isEmpty()) {
      spec.put("type", "ClusterIP");
    }
    String svcType = spec.get("type").asText();
    if (!Set.of("ClusterIP", "NodePort", "LoadBalancer", "ExternalName").contains(svcType)) {
      throw ApiException.invalid(
          type,
          name,
          "spec.type",
          "Unsupported value: \""
              + svcType
              + "\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\","
              + " \"NodePort\"");
    }
    if (svcType.equals("ExternalName")) {
      if (spec.path("externalName").asText("").isEmpty()) {
        throw ApiException.invalid(type, name, "spec.externalName", "Required value");
      }
      return;
    }
    if (!spec.has("sessionAffinity")) {
      spec.put("sessionAffinity", "None");
    }
    if (!spec.has("internalTrafficPolicy")) {
      spec.put("internalTrafficPolicy", "Cluster");
    }
    if (!svcType.equals("ClusterIP") && !spec.has("externalTrafficPolicy")) {
      spec.put("externalTrafficPolicy", "Cluster");
    }
    if (svcType.equals("LoadBalancer") && !spec.has("allocateLoadBalancerNodePorts")) {
      spec.put("allocateLoadBalancerNodePorts", true);
    }
    JsonNode ports = spec.path("ports");
    Set<String> names = new HashSet<>();
    for (int i = 0; i < ports.size(); i++) {
      JsonNode p = ports.get(i);
      if (!(p instanceof ObjectNode)) {
        throw ApiException.invalid(type, name, "spec.ports[" + i + "]", "must be an object");
      }
      ObjectNode port = (ObjectNode) p;
      int number = port.path("port").asInt(0);
      if (number < 1 || number > 65535) {
        throw ApiException.invalid(
            type,
            name,
            "spec.ports[" + i + "].port",
            "Invalid value: " + port.path("port") + ": must be between 1 and 65535, inclusive");
      }
      String portName = port.path("name").asText("");
      if (ports.size() > 1 && portName.isEmpty()) {
        throw ApiException.invalid(type, name, "spec.ports[" + i + "].name", "Required value");
      }
      if (!portName.isEmpty() && !names.add(portName)) {
        throw ApiException.invalid(
            type, name, "spec.ports[" + i + "].name", "Duplicate value: \"" + portName + "\"");
      }
      if (!port.has("protocol")) {
        port.put("protocol", "TCP");
      }
      JsonNode target = port.get("targetPort");
      if (target == null
          || target.isNull()
          || (target.isInt() && target.asInt() == 0)
          || (target.isTextual() && target.asText().isEmpty())) {
        port.put("targetPort", number);
      }
    }
  }

  private static boolean isExternalName(JsonNode spec) {
    return "ExternalName".equals(spec.path("type").asText());
  }

  /** The ClusterIP asked for in clusterIP or clusterIPs, "" when none. */
  private static String requestedIp(ObjectNode spec) {
    String ip = spec.path("clusterIP").asText("");
    if (ip.isEmpty() && spec.path("clusterIPs").size() > 0) {
      ip = spec.path("clusterIPs").get(0).asText("");
    }
    return ip;
  }

  private static void dropClusterIps(ObjectNode spec) {
    spec.remove("clusterIP");
    spec.remove("clusterIPs");
    spec.remove("ipFamilies");
    spec.remove("ipFamilyPolicy");
  }

  private static void keepOld(ObjectNode spec, JsonNode oldSpec, String field) {
    if (!spec.has(field) && oldSpec.has(field)) {
      spec.set(field, oldSpec.get(field).deepCopy());
    }
  }

  /** Gives the Service its requested ClusterIP (or "None"), or a free one when null. */
  private void assignIp(
      ResourceType type, String name, String holder, ObjectNode spec, String requested) {
    String ip;
    if (NONE.equals(requested)) {
      if (!"ClusterIP".equals(spec.path("type").asText())) {
        throw ApiException.invalid(
            type,
            name,
            "spec.clusterIP",
            "Invalid value: \"None\": may"
                + " not be set to 'None' for "
                + spec.path("type").asText()
                + " services");
      }
      ip = NONE;
    } else if (requested == null) {
      ip =
          addresses
              .allocateIp()
              .orElseThrow(
                  () ->
                      ApiException.internal(
                          "failed to allocate a serviceIP: range is full ("
                              + addresses.cidr()
                              + ")"));
    } else {
      switch (addresses.reserveIp(requested, holder)) {
        case OUT_OF_RANGE:
          throw ApiException.invalid(
              type,
              name,
              "spec.clusterIPs",
              "Invalid value: [\""
                  + requested
                  + "\"]: failed to allocate IP "
                  + requested
                  + ": the provided IP ("
                  + requested
                  + ") is not in the valid range. The range of valid IPs is "
                  + addresses.cidr());
        case TAKEN:
          throw ApiException.invalid(
              type,
              name,
              "spec.clusterIPs",
              "Invalid value: [\""
                  + requested
                  + "\"]: failed to allocate IP "
                  + requested
                  + ": provided IP is already allocated");
        default:
          ip = requested;
      }
    }
    spec.put("clusterIP", ip);
    spec.putArray("clusterIPs").add(ip);
    if (!spec.has("ipFamilies")) {
      spec.putArray("ipFamilies").add("IPv4");
    }
    if (!spec.has("ipFamilyPolicy")) {
      spec.put("ipFamilyPolicy", "SingleStack");
    }
  }

  /**
   * NodePort and LoadBalancer Services get a node port per port (kept from {@code oldSpec} when an
   * update leaves it out); other types have none.
   */
  private void assignNodePorts(
      ResourceType type, String name, String holder, ObjectNode spec, JsonNode oldSpec) {
    String svcType = spec.path("type").asText();
    boolean wants =
        svcType.equals("NodePort")
            || (svcType.equals("LoadBalancer")
                && spec.path("allocateLoadBalancerNodePorts").asBoolean(true));
    JsonNode ports = spec.path("ports");
    Map<String, Long> previous = new HashMap<>();
    if (oldSpec != null) {
      for (JsonNode p : oldSpec.path("ports")) {
        if (p.path("nodePort").asLong(0) > 0) {
          previous.put(portKey(p), p.path("nodePort").asLong());
        }
      }
    }
    for (int i = 0; i < ports.size(); i++) {
      ObjectNode port = (ObjectNode) ports.get(i);
      long asked = port.path("nodePort").asLong(0);
      if (!wants) {
        if (asked > 0 && oldSpec == null && svcType.equals("ClusterIP")) {
          throw ApiException.invalid(
              type,
              name,
              "spec.ports[" + i + "].nodePort",
              "Forbidden: may not be used when `type` is 'ClusterIP'");
        }
        port.remove("nodePort");
        continue;
      }
      if (asked == 0) {
        Long kept = previous.get(portKey(port));
        if (kept != null) {
          port.put("nodePort", kept);
          continue;
        }
        OptionalLong fresh = addresses.allocateNodePort();
        if (fresh.isEmpty()) {
          throw ApiException.internal("failed to allocate a nodePort: range is full");
        }
        port.put("nodePort", fresh.getAsLong());
      } else if (!previous.containsValue(asked)) {
        switch (addresses.reserveNodePort(asked, holder)) {
          case OUT_OF_RANGE:
            throw ApiException.invalid(
                type,
                name,
                "spec.ports[" + i + "].nodePort",
                "Invalid value: "
                    + asked
                    + ": provided port is not in the valid range. The range"
                    + " of valid ports is "
                    + ServiceAddresses.NODE_PORT_MIN
                    + "-"
                    + ServiceAddresses.NODE_PORT_MAX);
          case TAKEN:
            throw ApiException.invalid(
                type,
                name,
                "spec.ports[" + i + "].nodePort",
                "Invalid value: " + asked + ": provided port is already allocated");
          default:
            break;
        }
      }
    }
  }

  private static String portKey(JsonNode port) {
    return port.path("port").asText() + "/" + port.path("protocol").asText("TCP");
  }
}
