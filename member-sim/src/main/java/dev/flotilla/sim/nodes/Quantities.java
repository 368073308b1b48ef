package dev.flotilla.sim.nodes;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;

/** Kubernetes resource quantities ("500m", "32Gi", "1e3"): parsing and canonical output. */
public final class Quantities {
  private static final Map<String, BigDecimal> SUFFIXES =
      Map.ofEntries(
          Map.entry("Ki", BigDecimal.valueOf(1L << 10)),
          Map.entry("Mi", BigDecimal.valueOf(1L << 20)),
          Map.entry("Gi", BigDecimal.valueOf(1L << 30)),
          Map.entry("Ti", BigDecimal.valueOf(1L << 40)),
          Map.entry("Pi", BigDecimal.valueOf(1L << 50)),
          Map.entry("Ei", BigDecimal.valueOf(1L << 60)),
          Map.entry("n", new BigDecimal("1e-9")),
          Map.entry("u", new BigDecimal("1e-6")),
          Map.entry("m", new BigDecimal("1e-3")),
          Map.entry("k", new BigDecimal("1e3")),
          Map.entry("M", new BigDecimal("1e6")),
          Map.entry("G", new BigDecimal("1e9")),
          Map.entry("T", new BigDecimal("1e12")),
          Map.entry("P", new BigDecimal("1e15")),
          Map.entry("E", new BigDecimal("1e18")));
  private static final String[] BINARY = {"Ei", "Pi", "Ti", "Gi", "Mi", "Ki"};

  private Quantities() {}

  /** The quantity in base units (cores, bytes, count). */
  public static BigDecimal parse(String quantity) {
    String q = quantity.trim();
    int end = q.length();
    while (end > 0 && Character.isLetter(q.charAt(end - 1))) {
      end--;
    }
    String number = q.substring(0, end);
    String suffix = q.substring(end);
    if (suffix.isEmpty()) {
      return new BigDecimal(q);
    }
    BigDecimal factor = SUFFIXES.get(suffix);
    if (factor == null) {
      throw new NumberFormatException("unknown quantity suffix in \"" + quantity + "\"");
    }
    return new BigDecimal(number).multiply(factor);
  }

  /** CPU as kubectl shows it: whole cores ("24") or millicores ("1500m"). */
  public static String formatCpu(BigDecimal cores) {
    BigDecimal millis = cores.multiply(BigDecimal.valueOf(1000)).setScale(0, RoundingMode.CEILING);
    if (millis.remainder(BigDecimal.valueOf(1000)).signum() == 0) {
      return millis.divide(BigDecimal.valueOf(1000)).toBigInteger().toString();
    }
    return millis.toBigInteger() + "m";
  }

  /** Bytes with the largest binary suffix that divides them exactly ("96Gi"), else plain. */
  public static String formatBytes(BigDecimal bytes) {
    BigDecimal whole = bytes.setScale(0, RoundingMode.CEILING);
    if (whole.signum() == 0) {
      return "0";
    }
    for (String suffix : BINARY) {
      BigDecimal f = SUFFIXES.get(suffix);
      if (whole.remainder(f).signum() == 0) {
        return whole.divide(f).toBigInteger() + suffix;
      }
    }
    return whole.toBigInteger().toString();
  }
}
