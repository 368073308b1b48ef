package dev.flotilla.mcs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** examples/ack-one-fleet, its sh blocks run as written on a hub with prefix amcs-. */
class AckExampleWalkthroughE2E {
  static McsFleet fleet;

  @BeforeAll
  static void start() throws Exception {
    fleet = new McsFleet("amcs-");
  }

  @AfterAll
  static void stop() {
    if (fleet != null) {
      fleet.close();
    }
  }

  @Test
  void ackOneFleetReadme() throws Exception {
    String out = Walkthroughs.run(fleet, Examples.dir("ack-one-fleet").resolve("README.md"));
    assertTrue(out.contains("amcs-service1"), out);
    assertTrue(out.contains("member1"), out);
  }
}
