package dev.flotilla.sim.pods;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.sim.engine.Change;
import dev.flotilla.sim.net.Ipv4Cidr;
import dev.flotilla.sim.net.RangeAllocator;
import java.util.HashSet;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Pod IPs of the member: from the node's /24 when it has one (as kind's nodes hand them out), else
 * from anywhere in the pod CIDR; in use while a stored pod holds them.
 */
public final class PodAddresses {
  private static final long RESERVATION_MILLIS = 60_000;

  private final Ipv4Cidr cidr;
  private final RangeAllocator ips;

  public PodAddresses(String podCidr) {
    this.cidr = Ipv4Cidr.parse(podCidr);
    this.ips = new RangeAllocator(1, cidr.size() - 2, RESERVATION_MILLIS);
  }

  public Ipv4Cidr cidr() {
    return cidr;
  }

  /** A free pod IP, preferring {@code nodePodCidr} (may be null); empty when none is left. */
  public Optional<String> allocate(String nodePodCidr) {
    if (nodePodCidr != null) {
      Ipv4Cidr block = Ipv4Cidr.parse(nodePodCidr);
      long start = cidr.offsetOf(Ipv4Cidr.format(block.base()));
      if (start >= 0) {
        // .0 is the network and .1 the node's bridge, as on kind's nodes.
        OptionalLong inBlock = ips.allocateIn(start + 2, start + block.size() - 2);
        if (inBlock.isPresent()) {
          return Optional.of(cidr.address(inBlock.getAsLong()));
        }
      }
    }
    OptionalLong any = ips.allocate();
    return any.isPresent() ? Optional.of(cidr.address(any.getAsLong())) : Optional.empty();
  }

  /** Event hub handler: the IPs a stored pod carries are in use until the pod is gone. */
  public void onPodChange(Change change) {
    Set<String> before = podIps(change.oldObject());
    Set<String> after = podIps(change.newObject());
    for (String ip : before) {
      if (!after.contains(ip) && cidr.offsetOf(ip) >= 0) {
        ips.release(cidr.offsetOf(ip));
      }
    }
    for (String ip : after) {
      if (cidr.offsetOf(ip) >= 0) {
        ips.markUsed(cidr.offsetOf(ip));
      }
    }
  }

  static Set<String> podIps(JsonNode pod) {
    Set<String> out = new HashSet<>();
    if (pod == null || pod.path("spec").path("hostNetwork").asBoolean(false)) {
      return out;
    }
    JsonNode status = pod.path("status");
    if (status.path("podIP").isTextual()) {
      out.add(status.path("podIP").asText());
    }
    for (JsonNode ip : status.path("podIPs")) {
      out.add(ip.path("ip").asText());
    }
    out.remove("");
    return out;
  }
}
