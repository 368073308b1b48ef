package dev.flotilla.sim.services;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.sim.engine.Change;
import dev.flotilla.sim.net.Ipv4Cidr;
import dev.flotilla.sim.net.RangeAllocator;
import java.util.HashSet;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The member's ClusterIPs and NodePorts: which are held by stored Services (learnt from the event
 * hub) and which admission has just handed out.
 */
public final class ServiceAddresses {
  /** kube-apiserver's default --service-node-port-range. */
  public static final int NODE_PORT_MIN = 30000;

  public static final int NODE_PORT_MAX = 32767;

  /** Dynamic ClusterIPs start above this offset; the band below is for requested ones. */
  private static final long STATIC_BAND = 16;

  private static final long RESERVATION_MILLIS = 60_000;

  private final Ipv4Cidr cidr;
  private final RangeAllocator ips;
  private final RangeAllocator nodePorts;

  public ServiceAddresses(String serviceCidr) {
    this.cidr = Ipv4Cidr.parse(serviceCidr);
    this.ips =
        new RangeAllocator(
            1, cidr.size() - 2, Math.min(STATIC_BAND, cidr.size() / 2), RESERVATION_MILLIS);
    this.nodePorts = new RangeAllocator(NODE_PORT_MIN, NODE_PORT_MAX, RESERVATION_MILLIS);
  }

  public Ipv4Cidr cidr() {
    return cidr;
  }

  /** The ClusterIP of the "kubernetes" Service: the first address of the range. */
  public String apiServerIp() {
    return cidr.address(1);
  }

  /** A free ClusterIP, or empty when the range is exhausted. */
  public Optional<String> allocateIp() {
    OptionalLong offset = ips.allocate();
    return offset.isPresent() ? Optional.of(cidr.address(offset.getAsLong())) : Optional.empty();
  }

  /** Outcome of asking for a particular address or port. */
  public enum Claim {
    OK,
    OUT_OF_RANGE,
    TAKEN
  }

  public Claim reserveIp(String ip, String holder) {
    long offset = cidr.offsetOf(ip);
    if (offset < 1 || offset > cidr.size() - 2) {
      return Claim.OUT_OF_RANGE;
    }
    return ips.reserve(offset, holder) ? Claim.OK : Claim.TAKEN;
  }

  public OptionalLong allocateNodePort() {
    return nodePorts.allocate();
  }

  public Claim reserveNodePort(long port, String holder) {
    if (!nodePorts.inRange(port)) {
      return Claim.OUT_OF_RANGE;
    }
    return nodePorts.reserve(port, holder) ? Claim.OK : Claim.TAKEN;
  }

  /** Event hub handler: what a stored Service holds is in use until it is gone. */
  public void onServiceChange(Change change) {
    Set<String> oldIps = clusterIps(change.oldObject());
    Set<String> newIps = clusterIps(change.newObject());
    Set<Long> oldPorts = nodePortsOf(change.oldObject());
    Set<Long> newPorts = nodePortsOf(change.newObject());
    for (String ip : oldIps) {
      if (!newIps.contains(ip) && cidr.offsetOf(ip) >= 0) {
        ips.release(cidr.offsetOf(ip));
      }
    }
    for (String ip : newIps) {
      if (cidr.offsetOf(ip) >= 0) {
        ips.markUsed(cidr.offsetOf(ip));
      }
    }
    for (long p : oldPorts) {
      if (!newPorts.contains(p)) {
        nodePorts.release(p);
      }
    }
    newPorts.forEach(nodePorts::markUsed);
  }

  static Set<String> clusterIps(JsonNode svc) {
    Set<String> out = new HashSet<>();
    if (svc == null) {
      return out;
    }
    JsonNode spec = svc.path("spec");
    if (spec.path("clusterIP").isTextual()) {
      out.add(spec.path("clusterIP").asText());
    }
    for (JsonNode ip : spec.path("clusterIPs")) {
      out.add(ip.asText());
    }
    out.remove("");
    out.remove("None");
    return out;
  }

  static Set<Long> nodePortsOf(JsonNode svc) {
    Set<Long> out = new HashSet<>();
    if (svc == null) {
      return out;
    }
    for (JsonNode port : svc.path("spec").path("ports")) {
      if (port.path("nodePort").canConvertToLong() && port.path("nodePort").asLong() > 0) {
        out.add(port.path("nodePort").asLong());
      }
    }
    return out;
  }
}
