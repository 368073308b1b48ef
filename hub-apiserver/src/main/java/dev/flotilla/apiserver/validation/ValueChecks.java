package dev.flotilla.apiserver.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The scalar keywords of OpenAPI v3 validation with go-openapi's messages: string length, pattern
 * and format; numeric bounds, multipleOf and integer formats.
 */
final class ValueChecks {
  /**
   * CRD patterns compiled with RE2/J: linear-time matching without recursion, as Go's regexp runs
   * them upstream, so a hostile pattern or a long value can neither stall a thread nor overflow its
   * stack (java.util.regex backtracks and recurses).
   */
  private static final Map<String, com.google.re2j.Pattern> PATTERNS = new ConcurrentHashMap<>();

  private static final BigDecimal INT32_MIN = BigDecimal.valueOf(Integer.MIN_VALUE);
  private static final BigDecimal INT32_MAX = BigDecimal.valueOf(Integer.MAX_VALUE);
  private static final BigDecimal INT64_MIN = BigDecimal.valueOf(Long.MIN_VALUE);
  private static final BigDecimal INT64_MAX = BigDecimal.valueOf(Long.MAX_VALUE);
  private static final Pattern IPV4 =
      Pattern.compile(
          "^((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)$");

  private ValueChecks() {}

  static void string(String text, JsonNode value, JsonNode s, String path, List<FieldError> out) {
    int length = text.codePointCount(0, text.length());
    if (s.has("maxLength") && length > s.get("maxLength").asLong()) {
      out.add(FieldError.tooLong(path, s.get("maxLength").asLong()));
    }
    if (s.has("minLength") && length < s.get("minLength").asLong()) {
      out.add(
          FieldError.invalid(
              path,
              value,
              path + " in body should be at least " + s.get("minLength").asLong() + " chars long"));
    }
    if (s.has("pattern")) {
      String regex = s.get("pattern").asText();
      if (!matches(regex, text)) {
        out.add(FieldError.invalid(path, value, path + " in body should match '" + regex + "'"));
      }
    }
    String format = s.path("format").asText("");
    if (!format.isEmpty() && !formatOk(format, text)) {
      out.add(
          FieldError.typeInvalid(
              path,
              text,
              path + " in body must be of type " + format + ": " + FieldError.quote(text)));
    }
  }

  static void number(JsonNode value, JsonNode s, String path, List<FieldError> out) {
    BigDecimal v = value.decimalValue();
    if (s.has("minimum")) {
      BigDecimal min = s.get("minimum").decimalValue();
      boolean exclusive = s.path("exclusiveMinimum").asBoolean(false);
      if (exclusive ? v.compareTo(min) <= 0 : v.compareTo(min) < 0) {
        out.add(
            FieldError.invalid(
                path,
                value,
                path
                    + " in body should be greater than "
                    + (exclusive ? "" : "or equal to ")
                    + FieldError.number(s.get("minimum"))));
      }
    }
    if (s.has("maximum")) {
      BigDecimal max = s.get("maximum").decimalValue();
      boolean exclusive = s.path("exclusiveMaximum").asBoolean(false);
      if (exclusive ? v.compareTo(max) >= 0 : v.compareTo(max) > 0) {
        out.add(
            FieldError.invalid(
                path,
                value,
                path
                    + " in body should be less than "
                    + (exclusive ? "" : "or equal to ")
                    + FieldError.number(s.get("maximum"))));
      }
    }
    if (s.has("multipleOf")) {
      BigDecimal factor = s.get("multipleOf").decimalValue();
      if (factor.signum() > 0 && v.remainder(factor).signum() != 0) {
        out.add(
            FieldError.invalid(
                path,
                value,
                path
                    + " in body should be a multiple of "
                    + FieldError.number(s.get("multipleOf"))));
      }
    }
    String format = s.path("format").asText("");
    boolean outOfRange =
        switch (format) {
          case "int32" -> v.compareTo(INT32_MIN) < 0 || v.compareTo(INT32_MAX) > 0;
          case "int64" -> v.compareTo(INT64_MIN) < 0 || v.compareTo(INT64_MAX) > 0;
          default -> false;
        };
    if (outOfRange) {
      out.add(
          FieldError.invalid(
              path,
              value,
              path
                  + " in body must be of type "
                  + format
                  + ": "
                  + FieldError.quote(FieldError.number(value))));
    }
  }

  /** An integral JSON number, or a float with no fraction (Go decodes both as integers). */
  static boolean isInteger(JsonNode v) {
    if (v.isIntegralNumber()) {
      return true;
    }
    if (!v.isNumber()) {
      return false;
    }
    double d = v.doubleValue();
    return !Double.isInfinite(d) && d == Math.rint(d);
  }

  /**
   * Short values that matched their pattern: the same condition types and reasons come in every
   * status write (one per Work and cluster), and matching costs more than a lookup. Bounded:
   * emptied when full.
   */
  private static final Map<String, Set<String>> MATCHED = new ConcurrentHashMap<>();

  private static final int MATCHED_PATTERNS = 256;
  private static final int MATCHED_MAX = 64; // values per pattern: a few MiB at most in all
  private static final int MATCHED_MAX_LENGTH = 128;

  /** True when {@code text} matches {@code regex}, or RE2 cannot compile it (nor could Go). */
  static boolean matches(String regex, String text) {
    boolean remember = text.length() <= MATCHED_MAX_LENGTH;
    Set<String> matched = remember ? MATCHED.get(regex) : null;
    if (matched != null && matched.contains(text)) {
      return true;
    }
    com.google.re2j.Pattern p = pattern(regex);
    boolean ok = p == null || p.matcher(text).find();
    if (ok && remember && p != null && PATTERNS.containsKey(regex)) {
      if (matched == null && MATCHED.size() < MATCHED_PATTERNS) {
        matched = MATCHED.computeIfAbsent(regex, r -> ConcurrentHashMap.newKeySet());
      }
      if (matched != null) {
        if (matched.size() >= MATCHED_MAX) {
          matched.clear();
        }
        matched.add(text);
      }
    }
    return ok;
  }

  /** The RE2 form of a schema pattern, null when RE2 cannot compile it (nor could Go). */
  static com.google.re2j.Pattern pattern(String regex) {
    com.google.re2j.Pattern p = PATTERNS.get(regex);
    if (p == null) {
      try {
        p = com.google.re2j.Pattern.compile(regex);
      } catch (com.google.re2j.PatternSyntaxException e) {
        return null; // not ours to reject: the CRD was accepted with it
      }
      if (PATTERNS.size() < 10_000) {
        PATTERNS.put(regex, p);
      }
    }
    return p;
  }

  /** The string formats kube-openapi checks; unknown formats pass, as upstream. */
  static boolean formatOk(String format, String text) {
    try {
      switch (format) {
        case "date-time":
          OffsetDateTime.parse(text.replace(' ', 'T'));
          return true;
        case "date":
          LocalDate.parse(text);
          return true;
        case "byte":
          Base64.getDecoder().decode(text);
          return true;
        case "uuid":
          return text.length() == 36 && UUID.fromString(text) != null;
        case "ipv4":
          return IPV4.matcher(text).matches();
        case "ipv6":
          return text.contains(":") && ipv6(text);
        case "cidr":
          int slash = text.indexOf('/');
          if (slash < 0) {
            return false;
          }
          String ip = text.substring(0, slash);
          int bits = Integer.parseInt(text.substring(slash + 1));
          return IPV4.matcher(ip).matches()
              ? bits >= 0 && bits <= 32
              : ip.contains(":") && ipv6(ip) && bits >= 0 && bits <= 128;
        default:
          return true;
      }
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static boolean ipv6(String text) {
    if (!text.matches("[0-9A-Fa-f:.]+")) {
      return false;
    }
    try {
      return java.net.InetAddress.getByName(text) instanceof java.net.Inet6Address
          || text.contains("::ffff:");
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }
}
