package dev.flotilla.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.controller.binding.BindingController;
import dev.flotilla.controller.cluster.ClusterHealthController;
import dev.flotilla.controller.detector.ResourceDetector;
import dev.flotilla.controller.mcs.McsHubController;
import dev.flotilla.controller.scheduler.SchedulerController;
import dev.flotilla.fixtures.Await;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A replica that loses its lease stops its controllers, says it is not ready, goes back to
 * candidate and leads again once the lease is free, with nothing of the old term left running. The
 * loss is forced without pausing anything: another identity takes the Lease (as a replica that won
 * a race would) and renews it far ahead, so this replica's renewal fails; then that identity stops
 * renewing and finally gives the lease up. Readiness is what the launcher plugs into the hub:
 * controllers running, or another replica holding a live lease.
 */
class LeaseLossIT {
  private static final LeaderElection FAST =
      new LeaderElection(Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofMillis(500));
  private static final List<String> WORKERS =
      List.of(
          ResourceDetector.NAME,
          SchedulerController.NAME,
          BindingController.NAME,
          ClusterHealthController.NAME,
          McsHubController.NAME);

  private static HubFixture fx;
  private static ControllerManager manager;

  @BeforeAll
  static void start() throws Exception {
    fx = new HubFixture("member1");
    manager = new ControllerManager(fx.client, "replica-a").leaderElection(FAST);
    fx.hub.addReadinessCheck("controllers", manager::readinessFailure);
    manager.start();
  }

  @AfterAll
  static void stop() {
    if (manager != null) {
      manager.close();
    }
    if (fx != null) {
      fx.close();
    }
  }

  private static Map<String, Integer> workerThreads() {
    Map<String, Integer> count = new TreeMap<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.isAlive() && WORKERS.contains(t.getName())) {
        count.merge(t.getName(), 1, Integer::sum);
      }
    }
    return count;
  }

  /** Watches open on the hub, from its own metrics. */
  private static int watches() {
    String metrics = fx.client.raw("/metrics");
    for (String line : metrics.split("\n")) {
      if (line.startsWith("apiserver_registered_watchers ")) {
        return (int) Double.parseDouble(line.substring(line.indexOf(' ') + 1).trim());
      }
    }
    throw new AssertionError("no apiserver_registered_watchers in /metrics");
  }

  private static Lease lease() {
    return fx.client
        .leases()
        .inNamespace(ControllerManager.LEASE_NAMESPACE)
        .withName(ControllerManager.LEASE_NAME)
        .get();
  }

  /** Writes the Lease as another identity would; retried on conflicts with the renewing leader. */
  private static void writeLease(String holder, ZonedDateTime renewTime, int seconds) {
    Await.until(
        "the Lease written as " + holder,
        () -> {
          Lease l = lease();
          l.getSpec().setHolderIdentity(holder);
          l.getSpec().setLeaseDurationSeconds(seconds);
          l.getSpec().setAcquireTime(renewTime);
          l.getSpec().setRenewTime(renewTime);
          try {
            fx.client.resource(l).update();
            return true;
          } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
            if (e.getCode() == 409) {
              return null;
            }
            throw e;
          }
        });
  }

  private static String readyz(String query) {
    HttpResponse<String> r = fx.probe("/readyz" + query);
    return r.statusCode() + " " + r.body();
  }

  @Test
  void lostLeaseStopsControllersThenLeadershipIsTakenBackAndPropagationWorks() {
    Await.until("first term", () -> manager.leading());
    assertEquals("200 ok", readyz(""));
    fx.propagate("before", "member1");
    Await.until(
        "Work for a ConfigMap propagated in the first term", () -> fx.work("member1", "before"));
    int oneTermWatches =
        Await.until("the first term's watches", () -> watches() > 0 ? watches() : null);

    for (int term = 2; term <= 3; term++) {
      // Another replica takes the lease and renews it far ahead: this one's renewal fails.
      ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
      writeLease("replica-b", now.plusHours(1), 3600);
      Await.until("controllers stopped after the lease was lost", () -> !manager.leading());
      // Nothing of the old term survives: no worker thread, no open watch on the hub.
      Await.until("no worker left from the old term", () -> workerThreads().isEmpty());
      Await.until("no watch left from the old term", () -> watches() == 0);
      // While replica-b is seen renewing it is a live leader and this standby is ready; once it
      // stops renewing (it wrote once), nobody's controllers run and readiness says so.
      String notReady =
          Await.until(
              "readyz failing while nobody leads",
              () -> readyz("").startsWith("500 ") ? readyz("") : null);
      assertEquals(
          "500 [+]ping ok\n[-]controllers failed: reason withheld\nreadyz check failed\n",
          notReady);
      assertTrue(readyz("?verbose").contains("[-]controllers failed: reason withheld"));
      String reason = fx.probe("/readyz/controllers").body();
      assertTrue(reason.contains("replica-a") && reason.contains("does not lead"), reason);
      assertEquals(200, fx.probe("/livez").statusCode(), "liveness never follows leadership");
      assertEquals(200, fx.probe("/healthz").statusCode());
      assertFalse(manager.leading());
      assertEquals(term - 1, manager.termsStarted(), "still a candidate, not leading");

      // Work arrives while no controller runs; it is picked up when leadership is taken back.
      String waiting = "while-stopped-" + term;
      fx.propagate(waiting, "member1");

      // replica-b gives the lease up (as a clean shutdown does): this replica leads again.
      writeLease("", now, 1);
      Await.until("leadership taken back", () -> manager.leading());
      assertEquals(term, manager.termsStarted());
      Await.until("ready again", () -> readyz("").equals("200 ok"));
      assertEquals("200 [+]ping ok\n[+]controllers ok\nreadyz check passed\n", readyz("?verbose"));
      assertNotNull(Await.until("the waiting propagation", () -> fx.work("member1", waiting)));
      String after = "after-" + term;
      fx.propagate(after, "member1");
      assertNotNull(
          Await.until("a new propagation in the new term", () -> fx.work("member1", after)));
      // One term's informers, none left over from earlier terms.
      Await.until("the new term's watches", () -> watches() == oneTermWatches);
    }
    assertEquals("replica-a", lease().getSpec().getHolderIdentity());
  }
}
