package dev.flotilla.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads durations as Kubernetes flags write them ({@code 15s}, {@code 500ms}, {@code 1m30s}). */
final class GoDurationConverter implements ITypeConverter<Duration> {
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

  @Override
  public Duration convert(String value) {
    Matcher m = PART.matcher(value.trim());
    Duration total = Duration.ZERO;
    int end = 0;
    while (m.find() && m.start() == end) {
      double n = Double.parseDouble(m.group(1));
      long unitMillis =
          switch (m.group(2)) {
            case "ms" -> 1;
            case "s" -> 1_000;
            case "m" -> 60_000;
            default -> 3_600_000;
          };
      total = total.plusMillis(Math.round(n * unitMillis));
      end = m.end();
    }
    if (end == 0 || end != value.trim().length()) {
      throw new TypeConversionException(
          "'" + value + "' is not a duration; write e.g. 15s, 500ms or 1m30s");
    }
    return total;
  }
}
