package dev.flotilla.sim.nodes;

import dev.flotilla.policies.placement.Quantity;
import java.math.BigDecimal;
import java.math.RoundingMode;

/** Kubernetes resource quantities ("500m", "32Gi", "1e3") in the canonical output kubectl shows. */
public final class Quantities {
  /** Binary suffixes from the largest; {@code BINARY[i]} is 2^(10 * (6 - i)). */
  private static final String[] BINARY = {"Ei", "Pi", "Ti", "Gi", "Mi", "Ki"};

  private Quantities() {}

  /** The quantity in base units (cores, bytes, count); parsing is policies' {@link Quantity}. */
  public static BigDecimal parse(String quantity) {
    return Quantity.parse(quantity)
        .orElseThrow(() -> new NumberFormatException("invalid quantity \"" + quantity + "\""));
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
    for (int i = 0; i < BINARY.length; i++) {
      String suffix = BINARY[i];
      BigDecimal f = BigDecimal.valueOf(1L << (10 * (BINARY.length - i)));
      if (whole.remainder(f).signum() == 0) {
        return whole.divide(f).toBigInteger() + suffix;
      }
    }
    return whole.toBigInteger().toString();
  }
}
