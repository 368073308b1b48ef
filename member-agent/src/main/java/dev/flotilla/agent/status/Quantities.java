package dev.flotilla.agent.status;

import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.TreeMap;

/**
 * Sums of resource quantities per resource name, rendered the way Kubernetes prints them: whole
 * numbers plain, fractions in milli-units, and binary suffixes (Ki, Mi, Gi, ...) when the inputs
 * used them and the sum is a whole multiple.
 */
final class Quantities {
  private static final String[] BINARY = {"Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
  private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);
  private static final BigDecimal KIBI = BigDecimal.valueOf(1024);

  private final Map<String, BigDecimal> totals = new TreeMap<>();
  private final Map<String, Boolean> binary = new TreeMap<>();

  /** Adds one quantity (e.g. "500m", "2Gi") under a resource name. */
  void add(String resource, String quantity) {
    if (quantity == null || quantity.isEmpty()) {
      return;
    }
    BigDecimal amount =
        dev.flotilla.policies.placement.Quantity.parse(quantity)
            .orElseThrow(() -> new IllegalArgumentException("invalid quantity " + quantity));
    add(resource, amount, quantity.strip().endsWith("i"));
  }

  /** Adds a plain number under a resource name (e.g. a pod count). */
  void add(String resource, BigDecimal amount, boolean binaryFormat) {
    totals.merge(resource, amount, BigDecimal::add);
    binary.merge(resource, binaryFormat, Boolean::logicalOr);
  }

  /** Adds every entry of a resource list (name to quantity). */
  void addAll(Map<String, Quantity> list) {
    if (list != null) {
      list.forEach((name, q) -> add(name, q.toString()));
    }
  }

  /** The same resources, each the larger of this and {@code other}. */
  Quantities max(Quantities other) {
    Quantities out = new Quantities();
    out.totals.putAll(totals);
    out.binary.putAll(binary);
    other.totals.forEach(
        (name, amount) -> {
          out.totals.merge(name, amount, BigDecimal::max);
          out.binary.merge(name, other.binary.get(name), Boolean::logicalOr);
        });
    return out;
  }

  /** Adds all of {@code other} into this. */
  void plus(Quantities other) {
    other.totals.forEach((name, amount) -> add(name, amount, other.binary.get(name)));
  }

  boolean isEmpty() {
    return totals.isEmpty();
  }

  /** Resource name to rendered quantity, sorted by name. */
  Map<String, String> rendered() {
    Map<String, String> out = new TreeMap<>();
    totals.forEach((name, amount) -> out.put(name, render(amount, binary.get(name))));
    return out;
  }

  static String render(BigDecimal amount, boolean binaryFormat) {
    BigDecimal stripped = amount.stripTrailingZeros();
    if (stripped.scale() > 0) {
      BigDecimal milli = amount.multiply(THOUSAND).setScale(0, RoundingMode.CEILING);
      return milli.toPlainString() + "m";
    }
    if (binaryFormat && stripped.signum() > 0) {
      BigDecimal value = stripped;
      String suffix = "";
      for (String s : BINARY) {
        BigDecimal[] qr = value.divideAndRemainder(KIBI);
        if (qr[1].signum() != 0) {
          break;
        }
        value = qr[0];
        suffix = s;
      }
      return value.toPlainString() + suffix;
    }
    return stripped.toPlainString();
  }
}
