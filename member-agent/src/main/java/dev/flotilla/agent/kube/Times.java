package dev.flotilla.agent.kube;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** The two timestamp forms Kubernetes serialises: Time (seconds) and MicroTime. */
public final class Times {
  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter MICROS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private Times() {}

  /** metav1.Time, as {@code 2006-01-02T15:04:05Z}. */
  public static String time(Instant instant) {
    return SECONDS.format(instant.truncatedTo(ChronoUnit.SECONDS));
  }

  /** metav1.MicroTime, as {@code 2006-01-02T15:04:05.000000Z}. */
  public static String microTime(Instant instant) {
    return MICROS.format(instant.truncatedTo(ChronoUnit.MICROS));
  }

  public static String now(Clock clock) {
    return time(clock.instant());
  }
}
