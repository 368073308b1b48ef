package dev.flotilla.apiserver.protobuf;

/** Formats nanoseconds the way Go's time.Duration.String() does, e.g. "1h2m3.5s", "1.5ms". */
final class GoDuration {
  private GoDuration() {}

  static String format(long d) {
    if (d == 0) {
      return "0s";
    }
    boolean neg = d < 0;
    long u = neg ? -d : d; // Long.MIN_VALUE stays negative: treat it as unsigned from here on
    StringBuilder out = new StringBuilder(neg ? "-" : "");
    if (u > 0 && u < 1_000_000_000L) {
      int prec;
      String unit;
      if (u < 1_000L) {
        prec = 0;
        unit = "ns";
      } else if (u < 1_000_000L) {
        prec = 3;
        unit = "\u00b5s";
      } else {
        prec = 6;
        unit = "ms";
      }
      long scale = pow10(prec);
      return out.append(u / scale).append(fraction(u % scale, prec)).append(unit).toString();
    }
    long seconds = Long.divideUnsigned(u, 1_000_000_000L);
    String frac = fraction(Long.remainderUnsigned(u, 1_000_000_000L), 9);
    long minutes = seconds / 60;
    long hours = minutes / 60;
    if (hours > 0) {
      out.append(hours).append('h');
    }
    if (minutes > 0) {
      out.append(minutes % 60).append('m');
    }
    return out.append(seconds % 60).append(frac).append('s').toString();
  }

  /** ".5" for (5, 1); digits of v over prec places without trailing zeros, "" when v is 0. */
  private static String fraction(long v, int prec) {
    if (v == 0) {
      return "";
    }
    StringBuilder digits = new StringBuilder(Long.toString(v));
    while (digits.length() < prec) {
      digits.insert(0, '0');
    }
    int end = digits.length();
    while (end > 0 && digits.charAt(end - 1) == '0') {
      end--;
    }
    return "." + digits.substring(0, end);
  }

  private static long pow10(int n) {
    long p = 1;
    for (int i = 0; i < n; i++) {
      p *= 10;
    }
    return p;
  }
}
