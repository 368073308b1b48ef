package dev.flotilla.apiserver.table;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * Ages as kubectl shows them ({@code apimachinery/pkg/util/duration.HumanDuration}): about two
 * significant figures, "5m", "3h2m", "4d", "2y30d", and "&lt;invalid&gt;" for a time more than a
 * second in the future.
 */
public final class HumanDuration {
  private static final Instant ZERO = Instant.parse("0001-01-01T00:00:00Z");

  private HumanDuration() {}

  public static String format(Duration d) {
    long seconds = d.getSeconds();
    // Duration truncates towards negative infinity; Go's int(d.Seconds()) truncates towards 0.
    if (seconds < 0 && d.getNano() > 0) {
      seconds++;
    }
    if (seconds < -1) {
      return "<invalid>";
    } else if (seconds < 0) {
      return "0s";
    } else if (seconds < 60 * 2) {
      return seconds + "s";
    }
    long minutes = seconds / 60;
    if (minutes < 10) {
      long s = seconds % 60;
      return s == 0 ? minutes + "m" : minutes + "m" + s + "s";
    } else if (minutes < 60 * 3) {
      return minutes + "m";
    }
    long hours = seconds / 3600;
    if (hours < 8) {
      long m = minutes % 60;
      return m == 0 ? hours + "h" : hours + "h" + m + "m";
    } else if (hours < 48) {
      return hours + "h";
    } else if (hours < 24 * 8) {
      long h = hours % 24;
      return h == 0 ? (hours / 24) + "d" : (hours / 24) + "d" + h + "h";
    } else if (hours < 24 * 365 * 2) {
      return (hours / 24) + "d";
    } else if (hours < 24 * 365 * 8) {
      long dy = (hours / 24) % 365;
      return dy == 0 ? (hours / 24 / 365) + "y" : (hours / 24 / 365) + "y" + dy + "d";
    }
    return (hours / 24 / 365) + "y";
  }

  /** The age of an RFC 3339 timestamp at {@code now}; "&lt;unknown&gt;" when there is none. */
  public static String since(String timestamp, Instant now) {
    Instant t = parse(timestamp);
    if (t == null) {
      return "<unknown>";
    }
    return format(Duration.between(t, now));
  }

  /** The time until an RFC 3339 timestamp. */
  public static String until(String timestamp, Instant now) {
    Instant t = parse(timestamp);
    if (t == null) {
      return "<unknown>";
    }
    return format(Duration.between(now, t));
  }

  /** An RFC 3339 timestamp (with or without fractional seconds), or null when absent or bad. */
  public static Instant parse(String timestamp) {
    if (timestamp == null || timestamp.isEmpty() || timestamp.equals("null")) {
      return null;
    }
    try {
      Instant t = OffsetDateTime.parse(timestamp).toInstant();
      // Go's zero time.Time ("0001-01-01T00:00:00Z") means "not set".
      return t.equals(ZERO) ? null : t;
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
