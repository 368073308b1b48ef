package dev.flotilla.controller.binding;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class StatusHoldTest {
  private long now = 1_000_000_000L;
  private final StatusHold hold =
      new StatusHold(Duration.ofMillis(500), Duration.ofSeconds(4), () -> now);

  private void pass(Duration d) {
    now += d.toNanos();
  }

  @Test
  void aBindingNeverWrittenMayWriteAtOnce() {
    assertEquals(Duration.ZERO, hold.remaining("rb|a/x"));
  }

  @Test
  void writingWorksHoldsTheStatusForTheIntervalThenReleasesIt() {
    hold.worksWritten("rb|a/x");
    assertEquals(Duration.ofMillis(500), hold.remaining("rb|a/x"));
    pass(Duration.ofMillis(200));
    assertEquals(Duration.ofMillis(300), hold.remaining("rb|a/x"));
    assertEquals(Duration.ZERO, hold.remaining("rb|a/y"), "other bindings are not held");
    pass(Duration.ofMillis(300));
    assertEquals(Duration.ZERO, hold.remaining("rb|a/x"));
  }

  @Test
  void statusWritesInARowHoldTwiceAsLongEachUpToTheCeiling() {
    hold.worksWritten("rb|a/x");
    long[] expectedMs = {500, 1000, 2000, 4000, 4000};
    for (long ms : expectedMs) {
      pass(Duration.ofNanos(hold.remaining("rb|a/x").toNanos()));
      hold.statusWritten("rb|a/x");
      assertEquals(Duration.ofMillis(ms), hold.remaining("rb|a/x"));
    }
  }

  @Test
  void writingWorksAgainStartsOver() {
    hold.worksWritten("rb|a/x");
    pass(Duration.ofMillis(500));
    hold.statusWritten("rb|a/x");
    pass(Duration.ofMillis(500));
    hold.statusWritten("rb|a/x");
    assertEquals(Duration.ofMillis(1000), hold.remaining("rb|a/x"));
    hold.worksWritten("rb|a/x"); // e.g. the template changed
    assertEquals(Duration.ofMillis(500), hold.remaining("rb|a/x"));
  }

  @Test
  void aStatusWriteLongAfterTheLastHoldStartsOver() {
    hold.statusWritten("rb|a/x");
    pass(Duration.ofMillis(500));
    hold.statusWritten("rb|a/x");
    assertEquals(Duration.ofMillis(1000), hold.remaining("rb|a/x"));
    pass(Duration.ofSeconds(30)); // a member reports a change much later
    hold.statusWritten("rb|a/x");
    assertEquals(Duration.ofMillis(500), hold.remaining("rb|a/x"));
  }

  @Test
  void aForgottenBindingIsNotHeld() {
    hold.worksWritten("rb|a/x");
    hold.forget("rb|a/x");
    assertEquals(Duration.ZERO, hold.remaining("rb|a/x"));
  }
}
