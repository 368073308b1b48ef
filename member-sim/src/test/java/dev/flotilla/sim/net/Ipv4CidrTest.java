package dev.flotilla.sim.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class Ipv4CidrTest {
  @Test
  void addressesAreOffsetsIntoTheBlock() {
    Ipv4Cidr cidr = Ipv4Cidr.parse("10.97.0.0/16");
    assertEquals(65536, cidr.size());
    assertEquals("10.97.0.1", cidr.address(1));
    assertEquals("10.97.1.4", cidr.address(260));
    assertEquals(260, cidr.offsetOf("10.97.1.4"));
    assertEquals(-1, cidr.offsetOf("10.98.0.1"));
    assertEquals(-1, cidr.offsetOf("not-an-ip"));
    assertEquals(-1, cidr.offsetOf("10.97.01.4"));
    assertTrue(cidr.contains("10.97.255.255"));
    assertFalse(cidr.contains("10.96.255.255"));
  }

  @Test
  void subnetsAndOverlaps() {
    Ipv4Cidr pods = Ipv4Cidr.parse("10.245.0.0/16");
    assertEquals("10.245.3.0/24", pods.subnet(24, 3).toString());
    assertTrue(pods.overlaps(Ipv4Cidr.parse("10.245.7.0/24")));
    assertFalse(pods.overlaps(Ipv4Cidr.parse("10.246.0.0/16")));
    assertThrows(IllegalArgumentException.class, () -> pods.subnet(24, 256));
  }

  @Test
  void rejectsMalformedBlocks() {
    assertThrows(IllegalArgumentException.class, () -> Ipv4Cidr.parse("10.97.0.1/16"));
    assertThrows(IllegalArgumentException.class, () -> Ipv4Cidr.parse("10.97.0.0"));
    assertThrows(IllegalArgumentException.class, () -> Ipv4Cidr.parse("10.97.0.0/33"));
    assertThrows(IllegalArgumentException.class, () -> Ipv4Cidr.parse("300.1.0.0/16"));
  }
}
