package dev.flotilla.mcs;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** examples/karmada-mcs then examples/fleet-discovery, their sh blocks run as written. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExamplesWalkthroughE2E {
  static McsFleet fleet;

  @BeforeAll
  static void start() throws Exception {
    fleet = new McsFleet("derived-");
  }

  @AfterAll
  static void stop() {
    if (fleet != null) {
      fleet.close();
    }
  }

  @Test
  @Order(1)
  void karmadaMcsReadme() throws Exception {
    String out = Walkthroughs.run(fleet, Examples.dir("karmada-mcs").resolve("README.md"));
    assertTrue(out.contains("derived-serve"), out);
    assertTrue(out.contains("derived-serve-member1"), out);
  }

  @Test
  @Order(2)
  void fleetDiscoveryReadme() throws Exception {
    String out = Walkthroughs.run(fleet, Examples.dir("fleet-discovery").resolve("README.md"));
    assertTrue(out.contains("\"cluster\":\"member1\""), out);
    assertTrue(out.contains("304"), out);
    assertTrue(out.contains("CLUSTER") && out.contains("member1"), out);
    assertFalse(
        Walkthroughs.shBlocks(Examples.dir("fleet-discovery").resolve("README.md")).isEmpty());
  }
}
