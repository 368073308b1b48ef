package dev.flotilla.apiserver.table;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TableHumanDurationTest {

  @ParameterizedTest(name = "{0}s -> {1}")
  @CsvSource({
    "-5, <invalid>",
    "-2, <invalid>",
    "-1, 0s",
    "0, 0s",
    "59, 59s",
    "119, 119s",
    "120, 2m",
    "150, 2m30s",
    "599, 9m59s",
    "600, 10m",
    "10799, 179m",
    "10800, 3h",
    "11100, 3h5m",
    "28799, 7h59m",
    "28800, 8h",
    "172799, 47h",
    "172800, 2d",
    "180000, 2d2h",
    "691200, 8d",
    "63071999, 729d",
    "63072000, 2y",
    "65664000, 2y30d",
    "252288000, 8y",
  })
  void formatsLikeKubectl(long seconds, String expected) {
    assertEquals(expected, HumanDuration.format(Duration.ofSeconds(seconds)));
  }

  @Test
  void sinceTimestamps() {
    Instant now = Instant.parse("2024-05-01T10:05:00Z");
    assertEquals("5m", HumanDuration.since("2024-05-01T10:00:00Z", now));
    assertEquals("4m59s", HumanDuration.since("2024-05-01T10:00:00.123456Z", now));
    assertEquals("<invalid>", HumanDuration.since("2024-05-01T11:00:00Z", now));
    assertEquals("<unknown>", HumanDuration.since("", now));
    assertEquals("<unknown>", HumanDuration.since(null, now));
    assertEquals("<unknown>", HumanDuration.since("0001-01-01T00:00:00Z", now));
    assertEquals("3h2m", HumanDuration.since("2024-05-01T07:03:00+00:00", now));
  }
}
