package dev.flotilla.agent.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TimesTest {
  @Test
  void timesAreRfc3339WithSecondsOrMicroseconds() {
    java.time.Instant t = java.time.Instant.parse("2006-01-02T15:04:05.123456789Z");
    assertEquals("2006-01-02T15:04:05Z", Times.time(t));
    assertEquals("2006-01-02T15:04:05.123456Z", Times.microTime(t));
  }
}
