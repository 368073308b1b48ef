package dev.flotilla.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flotilla.store.etcd.LocalEtcd;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two hubs on a three-member etcd: the leading hub is SIGKILLed, then an etcd member, while writes
 * go through both hubs. No acknowledged write is lost, the other hub's controllers take over and
 * propagate to simulated members without rewriting Works that did not change, and a watcher sees
 * every write once (or a 410 to act on). The agent of member {@code edge} talks to the killed hub
 * and is given both hubs' URLs: propagation to it keeps working once it has moved to the other.
 */
class HubFailoverE2E {
  @Test
  void theOtherHubTakesOverAndNothingAcknowledgedIsLost(@TempDir Path dir) throws Exception {
    assumeTrue(
        LocalEtcd.availableForTests(),
        "SKIPPED: etcd is not installed (apt-get install etcd-server)");
    HubFailover.Timeline t = new HubFailover(Duration.ofSeconds(8)).runOnce(dir);
    System.out.println("hub failover on etcd: " + t.line());
    assertTrue(t.acknowledged() > 20, "writes went through: " + t.line());
    assertEquals(0, t.lost(), "acknowledged writes lost: " + t.line());
    assertEquals(0, t.worksRewritten(), "Works rewritten by the new leader: " + t.line());
    assertEquals(0, t.watchedTwice(), t.line());
    assertTrue(t.watch410() || t.watchMissed() == 0, "missed without a 410: " + t.line());
    assertTrue(t.edgeFailedOver() > 0, "the edge member got p1 after its hub died: " + t.line());
  }
}
