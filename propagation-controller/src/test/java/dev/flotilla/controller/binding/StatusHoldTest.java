package dev.flotilla.controller.binding;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class StatusHoldTest {
  private long now = 1_000_000_000L;
  private final StatusHold hold = new StatusHold(Duration.ofMillis(500), () -> now);

  @Test
  void aBindingNeverWrittenMayWriteAtOnce() {
    assertEquals(Duration.ZERO, hold.remaining("rb|a/x"));
  }

  @Test
  void aWriteHoldsTheNextForTheIntervalThenReleasesIt() {
    hold.wrote("rb|a/x");
    assertEquals(Duration.ofMillis(500), hold.remaining("rb|a/x"));
    now += Duration.ofMillis(200).toNanos();
    assertEquals(Duration.ofMillis(300), hold.remaining("rb|a/x"));
    assertEquals(Duration.ZERO, hold.remaining("rb|a/y"), "other bindings are not held");
    now += Duration.ofMillis(300).toNanos();
    assertEquals(Duration.ZERO, hold.remaining("rb|a/x"));
  }

  @Test
  void anotherWriteWithinTheIntervalExtendsTheHold() {
    hold.wrote("rb|a/x");
    now += Duration.ofMillis(400).toNanos();
    hold.wrote("rb|a/x"); // Works written again (e.g. the template changed)
    assertEquals(Duration.ofMillis(500), hold.remaining("rb|a/x"));
  }

  @Test
  void aForgottenBindingIsNotHeld() {
    hold.wrote("rb|a/x");
    hold.forget("rb|a/x");
    assertEquals(Duration.ZERO, hold.remaining("rb|a/x"));
  }
}
