package dev.flotilla.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.agent.kube.HubResources;
import dev.flotilla.fixtures.Await;
import dev.flotilla.policies.conditions.Conditions;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Cluster's Ready condition follows Karmada's failure and success thresholds: a member whose
 * /readyz fails for a moment stays Ready; one that keeps failing becomes not Ready, and only after
 * the failure threshold; a /healthz that passes does not overrule a failing /readyz.
 */
class ReadinessThresholdIT {
  private static final String CLUSTER = "member-flaky";
  private static final Duration FAILURE_THRESHOLD = Duration.ofSeconds(15);

  private static final AtomicBoolean failing = new AtomicBoolean();
  private static final AtomicInteger failedChecks = new AtomicInteger();
  @RegisterExtension static final AgentRig rig = AgentRig.servers(CLUSTER);

  @BeforeAll
  static void start() {
    rig.memberServer()
        .server()
        .addReadinessCheck(
            "flaky",
            () -> {
              if (failing.get()) {
                failedChecks.incrementAndGet();
                return Optional.of("made to fail by the test");
              }
              return Optional.empty();
            });
    rig.startAgent(
        rig.config()
            .failureThreshold(FAILURE_THRESHOLD)
            .successThreshold(Duration.ofSeconds(2))
            .build());
  }

  private static String ready() {
    GenericKubernetesResource c =
        rig.hub().genericKubernetesResources(HubResources.CLUSTERS).withName(CLUSTER).get();
    if (c == null) {
      return null;
    }
    JsonNode conditions = dev.flotilla.agent.kube.Json.tree(c).path("status").get("conditions");
    JsonNode ready = Conditions.find(conditions, "Ready");
    return ready == null ? null : ready.path("status").asText();
  }

  @Test
  void aMomentaryFailureKeepsReadyAndALastingOneFlipsAfterTheThreshold() {
    Await.until("Ready=True at start", () -> "True".equals(ready()));

    // A blip: the agent sees /readyz fail twice, then pass again.
    List<String> seen = new ArrayList<>();
    failing.set(true);
    Await.until(
        "two failed /readyz checks",
        () -> {
          seen.add(ready());
          return failedChecks.get() >= 2;
        });
    failing.set(false);
    int afterBlip = failedChecks.get();
    for (int i = 0; i < 30; i++) { // 3 s: several status syncs after the blip
      seen.add(ready());
      Await.pause(java.time.Duration.ofMillis(100));
    }
    assertTrue(seen.stream().allMatch("True"::equals), "Ready flipped on a blip: " + seen);
    assertEquals(afterBlip, failedChecks.get(), "no failure after the blip");

    // A lasting failure: not Ready, and not before the threshold has passed.
    long since = System.nanoTime();
    failing.set(true);
    String status = waitForReadyOtherThan("True", Duration.ofSeconds(120));
    long elapsed = System.nanoTime() - since;
    assertEquals("False", status);
    assertTrue(
        elapsed >= FAILURE_THRESHOLD.toNanos(),
        "not Ready after " + elapsed / 1_000_000 + " ms, before the failure threshold");

    failing.set(false);
    assertEquals("True", waitForReadyOtherThan("False", Duration.ofSeconds(120)));
  }

  private static String waitForReadyOtherThan(String status, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String now = ready();
    while (status.equals(now) && System.nanoTime() < deadline) {
      Await.pause(java.time.Duration.ofMillis(100));
      now = ready();
    }
    return now;
  }
}
