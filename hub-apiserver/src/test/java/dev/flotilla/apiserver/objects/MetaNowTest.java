package dev.flotilla.apiserver.objects;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

/** Meta.now, formatted once a second: still the current second, RFC 3339 in UTC. */
class MetaNowTest {
  @Test
  void nowIsTheCurrentSecondAfterTheSecondChanges() throws Exception {
    for (int i = 0; i < 3; i++) {
      Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      String now = Meta.now();
      Instant after = Instant.now();
      assertTrue(now.matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z"), now);
      Instant parsed = Instant.parse(now);
      assertFalse(parsed.isBefore(before), now + " is before " + before);
      assertFalse(parsed.isAfter(after), now + " is after " + after);
      // Into the next second, so the memo of the last one is replaced, not served again.
      while (Instant.now().truncatedTo(ChronoUnit.SECONDS).equals(before)) {
        Thread.sleep(20);
      }
    }
  }
}
