package dev.flotilla.sim;

import dev.flotilla.sim.net.Ipv4Cidr;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What one simulated member cluster looks like.
 *
 * @param name the cluster's name, e.g. "member1"; nodes are named {@code <name>-node-<k>}
 * @param index the member's number, used for the default address ranges
 * @param region the {@code topology.kubernetes.io/region} of every node
 * @param zones the zones nodes are spread over ({@code topology.kubernetes.io/zone}), at least one
 * @param provider the infrastructure provider a Karmada Cluster would report, e.g. "sim"
 * @param nodeCount how many Ready nodes to keep
 * @param nodeResources capacity and allocatable of each node
 * @param serviceCidr where ClusterIPs come from, e.g. 10.97.0.0/16
 * @param podCidr where pod IPs come from, e.g. 10.245.0.0/16 (each node gets a /24 when it fits)
 * @param nodeCidr where node InternalIPs come from, e.g. 172.18.1.0/24
 * @param dataDir the member API server's store, PKI and tokens
 * @param port the member API server's HTTPS port, 0 for an ephemeral one
 */
public record MemberCluster(
    String name,
    int index,
    String region,
    List<String> zones,
    String provider,
    int nodeCount,
    NodeResources nodeResources,
    String serviceCidr,
    String podCidr,
    String nodeCidr,
    Path dataDir,
    int port) {

  /** The provider simulated members report. */
  public static final String SIMULATED_PROVIDER = "sim";

  public MemberCluster {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(dataDir, "dataDir");
    zones = List.copyOf(zones);
    if (zones.isEmpty()) {
      throw new IllegalArgumentException("a member needs at least one zone");
    }
    if (nodeCount < 1) {
      throw new IllegalArgumentException("a member needs at least one node, got " + nodeCount);
    }
    Ipv4Cidr services = Ipv4Cidr.parse(serviceCidr);
    Ipv4Cidr pods = Ipv4Cidr.parse(podCidr);
    Ipv4Cidr nodes = Ipv4Cidr.parse(nodeCidr);
    if (services.overlaps(pods) || services.overlaps(nodes) || pods.overlaps(nodes)) {
      throw new IllegalArgumentException(
          "service, pod and node CIDRs of "
              + name
              + " overlap: "
              + serviceCidr
              + ", "
              + podCidr
              + ", "
              + nodeCidr);
    }
    if (services.size() < 32 || pods.size() < 256 || nodes.size() < nodeCount + 2) {
      throw new IllegalArgumentException(
          "the CIDRs of "
              + name
              + " are too small: services"
              + " need /27 or larger, pods /24 or larger, nodes room for "
              + nodeCount
              + " nodes");
    }
  }

  /**
   * A member with the defaults for {@code index}: region and zone as {@link #defaultRegion} and
   * {@link #defaultZone}, three nodes, and address ranges that differ between indexes.
   */
  public static MemberCluster of(String name, int index, Path dataDir) {
    return new MemberCluster(
        name,
        index,
        defaultRegion(index),
        List.of(defaultZone(index)),
        SIMULATED_PROVIDER,
        3,
        NodeResources.DEFAULT,
        defaultServiceCidr(index),
        defaultPodCidr(index),
        defaultNodeCidr(index),
        dataDir,
        0);
  }

  /** Two members per region: 1 and 2 in region-a, 3 and 4 in region-b, ... */
  public static String defaultRegion(int index) {
    return "region-" + letters((Math.max(index, 1) - 1) / 2);
  }

  /** zone-a1 for member 1, zone-a2 for member 2, zone-b1 for member 3, ... */
  public static String defaultZone(int index) {
    int i = Math.max(index, 1) - 1;
    return "zone-" + letters(i / 2) + (i % 2 + 1);
  }

  /**
   * 10.(96+i).0.0/16 (kind's 10.96.0.0/16 shifted by the index) up to index 147, /20 blocks of
   * 172.16.0.0/12 up to index 403, then /22 blocks of 10.0.0.0/10 up to index 4499.
   */
  public static String defaultServiceCidr(int index) {
    if (index >= 0 && index <= 147) {
      return "10." + (96 + index) + ".0.0/16";
    }
    int j = index - 148;
    if (j >= 0 && j < 256) {
      return "172." + (16 + j / 16) + "." + (j % 16) * 16 + ".0/20";
    }
    int k = index - 404;
    if (k < 0 || k >= 4096) {
      throw new IllegalArgumentException("no default service CIDR for member index " + index);
    }
    return "10." + k / 64 + "." + (k % 64) * 4 + ".0/22";
  }

  /**
   * 10.(244+i).0.0/16 up to index 11, /18 blocks of 100.64.0.0/10 up to index 267, then /21 blocks
   * of 10.64.0.0/11 up to index 1291.
   */
  public static String defaultPodCidr(int index) {
    if (index >= 0 && index <= 11) {
      return "10." + (244 + index) + ".0.0/16";
    }
    int j = index - 12;
    if (j >= 0 && j < 256) {
      return "100." + (64 + j / 4) + "." + (j % 4) * 64 + ".0/18";
    }
    int k = index - 268;
    if (k < 0 || k >= 1024) {
      throw new IllegalArgumentException("no default pod CIDR for member index " + index);
    }
    return "10." + (64 + k / 32) + "." + (k % 32) * 8 + ".0/21";
  }

  /**
   * 192.168.i.0/24 up to index 255, 198.18.(i-256).0/24 up to index 511, then /28 blocks of
   * 198.19.0.0/16 up to index 4607.
   */
  public static String defaultNodeCidr(int index) {
    if (index >= 0 && index <= 255) {
      return "192.168." + index + ".0/24";
    }
    if (index >= 256 && index <= 511) {
      return "198." + (18 + (index - 256) / 256) + "." + (index - 256) % 256 + ".0/24";
    }
    int k = index - 512;
    if (k >= 0 && k < 4096) {
      return "198.19." + k / 16 + "." + (k % 16) * 16 + "/28";
    }
    throw new IllegalArgumentException("no default node CIDR for member index " + index);
  }

  private static String letters(int n) {
    StringBuilder sb = new StringBuilder();
    int v = n;
    do {
      sb.insert(0, (char) ('a' + v % 26));
      v = v / 26 - 1;
    } while (v >= 0);
    return sb.toString();
  }

  public MemberCluster withPort(int newPort) {
    return new MemberCluster(
        name,
        index,
        region,
        zones,
        provider,
        nodeCount,
        nodeResources,
        serviceCidr,
        podCidr,
        nodeCidr,
        dataDir,
        newPort);
  }

  public MemberCluster withNodeCount(int count) {
    return new MemberCluster(
        name,
        index,
        region,
        zones,
        provider,
        count,
        nodeResources,
        serviceCidr,
        podCidr,
        nodeCidr,
        dataDir,
        port);
  }

  public MemberCluster withTopology(String newRegion, List<String> newZones) {
    return new MemberCluster(
        name,
        index,
        newRegion,
        newZones,
        provider,
        nodeCount,
        nodeResources,
        serviceCidr,
        podCidr,
        nodeCidr,
        dataDir,
        port);
  }

  public MemberCluster withCidrs(String services, String pods, String nodes) {
    return new MemberCluster(
        name,
        index,
        region,
        zones,
        provider,
        nodeCount,
        nodeResources,
        services,
        pods,
        nodes,
        dataDir,
        port);
  }

  public MemberCluster withNodeResources(NodeResources resources) {
    return new MemberCluster(
        name,
        index,
        region,
        zones,
        provider,
        nodeCount,
        resources,
        serviceCidr,
        podCidr,
        nodeCidr,
        dataDir,
        port);
  }

  /** The name of node {@code k} (1-based). */
  public String nodeName(int k) {
    return name + "-node-" + k;
  }

  /** The zone of node {@code k} (1-based): nodes go round the zones. */
  public String zoneOfNode(int k) {
    return zones.get((k - 1) % zones.size());
  }
}
