package dev.flotilla.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.flotilla.sim.net.Ipv4Cidr;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MemberClusterTest {
  @Test
  void defaultsGiveTwoMembersPerRegion() {
    assertEquals(
        List.of("region-a", "region-a", "region-b", "region-b"),
        List.of(
            MemberCluster.defaultRegion(1), MemberCluster.defaultRegion(2),
            MemberCluster.defaultRegion(3), MemberCluster.defaultRegion(4)));
    assertEquals(
        List.of("zone-a1", "zone-a2", "zone-b1", "zone-b2"),
        List.of(
            MemberCluster.defaultZone(1), MemberCluster.defaultZone(2),
            MemberCluster.defaultZone(3), MemberCluster.defaultZone(4)));
    assertEquals("region-aa", MemberCluster.defaultRegion(53));
  }

  @Test
  void defaultRangesFollowTheIndexAndNeverOverlap() {
    MemberCluster m1 = MemberCluster.of("member1", 1, Path.of("/tmp/m1"));
    assertEquals("10.97.0.0/16", m1.serviceCidr());
    assertEquals("10.245.0.0/16", m1.podCidr());
    List<Ipv4Cidr> all = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    // Past a thousand members (bench scale --clusters 1000), node ranges included.
    for (int i = 0; i <= 1291; i++) {
      MemberCluster m = MemberCluster.of("m" + i, i, Path.of("/tmp/m"));
      for (String c : List.of(m.serviceCidr(), m.podCidr(), m.nodeCidr())) {
        Ipv4Cidr cidr = Ipv4Cidr.parse(c);
        for (Ipv4Cidr other : all) {
          if (cidr.overlaps(other)) {
            throw new AssertionError(c + " of member " + i + " overlaps " + other);
          }
        }
        all.add(cidr);
        seen.add(c);
      }
    }
    assertEquals(3 * 1292, seen.size());
    assertThrows(
        IllegalArgumentException.class, () -> MemberCluster.of("m", 1292, Path.of("/tmp/m")));
  }

  @Test
  void nodesGoRoundTheZones() {
    MemberCluster m =
        MemberCluster.of("member1", 1, Path.of("/tmp/m1"))
            .withTopology("eu", List.of("eu-1", "eu-2"))
            .withNodeCount(3);
    assertEquals("member1-node-3", m.nodeName(3));
    assertEquals(
        List.of("eu-1", "eu-2", "eu-1"),
        List.of(m.zoneOfNode(1), m.zoneOfNode(2), m.zoneOfNode(3)));
  }

  @Test
  void rejectsOverlappingRanges() {
    MemberCluster m = MemberCluster.of("member1", 1, Path.of("/tmp/m1"));
    assertThrows(
        IllegalArgumentException.class,
        () -> m.withCidrs("10.0.0.0/16", "10.0.0.0/16", "192.168.1.0/24"));
  }
}
