package dev.flotilla.agent.status;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ReadyThresholdTest {
  /** A clock the test moves. */
  private static final class Manual extends Clock {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    void advance(int seconds) {
      now = now.plusSeconds(seconds);
    }
  }

  private final Manual clock = new Manual();
  private final ReadyThreshold threshold =
      new ReadyThreshold(Duration.ofSeconds(10), Duration.ofSeconds(30), clock);

  @Test
  void aJoiningClusterIsReportedAsObserved() {
    assertEquals("False", threshold.adjust("True", "False"), "first observation of this agent");
    assertEquals(
        "True", new ReadyThreshold(Duration.ZERO, Duration.ZERO, clock).adjust(null, "True"));
  }

  @Test
  void oneFailedCheckDoesNotFlipAReadyCluster() {
    assertEquals("True", threshold.adjust("True", "True"));
    clock.advance(10);
    assertEquals("True", threshold.adjust("True", "False"), "one failure");
    clock.advance(10);
    assertEquals("True", threshold.adjust("True", "True"), "healthy again");
    clock.advance(10);
    assertEquals("True", threshold.adjust("True", "False"), "a new failure starts a new count");
    clock.advance(20);
    assertEquals("True", threshold.adjust("True", "False"), "20 s of failures < 30 s");
    clock.advance(10);
    assertEquals("False", threshold.adjust("True", "False"), "30 s of failures");
  }

  @Test
  void recoveryIsReportedOnceItHeldForTheSuccessThreshold() {
    assertEquals("False", threshold.adjust("False", "False"));
    clock.advance(5);
    assertEquals("False", threshold.adjust("False", "True"), "the first success");
    clock.advance(5);
    assertEquals("False", threshold.adjust("False", "True"), "5 s of successes");
    clock.advance(5);
    assertEquals("True", threshold.adjust("False", "True"), "10 s of successes");
  }

  @Test
  void unknownFromTheHubIsNotReadyAndALongHealthyAgentReportsReadyAtOnce() {
    assertEquals("True", threshold.adjust("True", "True"));
    clock.advance(60);
    // The hub marked the cluster Unknown (lease expired) while the agent could not reach it.
    assertEquals("True", threshold.adjust("Unknown", "True"));
    assertEquals("False", threshold.adjust("Unknown", "False"), "not True to False: no flip");
  }
}
