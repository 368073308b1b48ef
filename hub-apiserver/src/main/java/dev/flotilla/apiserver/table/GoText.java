package dev.flotilla.apiserver.table;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * Values rendered as Go renders them, so cells match kube-apiserver's: {@code fmt.Sprint} for
 * scalars and {@code encoding/json} (sorted keys, HTML-escaped) for objects and arrays, which is
 * what client-go's {@code JSONPath.PrintResults} produces for a string printer column.
 */
public final class GoText {
  private GoText() {}

  /** What {@code PrintResults} writes for one JSONPath result. */
  public static String print(JsonNode value) {
    if (value == null || value.isMissingNode() || value.isNull()) {
      // A nil interface is an invalid reflect.Value: text/template prints "<no value>".
      return "<no value>";
    }
    if (value.isObject() || value.isArray()) {
      return json(value);
    }
    if (value.isTextual()) {
      return value.asText();
    }
    if (value.isBoolean()) {
      return value.asBoolean() ? "true" : "false";
    }
    if (value.isIntegralNumber()) {
      return value.bigIntegerValue().toString();
    }
    if (value.isNumber()) {
      return formatG(value.doubleValue());
    }
    return value.asText();
  }

  /** Go's {@code json.Marshal} of an unstructured value. */
  public static String json(JsonNode value) {
    StringBuilder out = new StringBuilder();
    writeJson(value, out);
    return out.toString();
  }

  private static void writeJson(JsonNode v, StringBuilder out) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      out.append("null");
    } else if (v.isObject()) {
      Map<String, JsonNode> sorted = new TreeMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        sorted.put(e.getKey(), e.getValue());
      }
      out.append('{');
      boolean first = true;
      for (Map.Entry<String, JsonNode> e : sorted.entrySet()) {
        if (!first) {
          out.append(',');
        }
        first = false;
        writeString(e.getKey(), out);
        out.append(':');
        writeJson(e.getValue(), out);
      }
      out.append('}');
    } else if (v.isArray()) {
      out.append('[');
      for (int i = 0; i < v.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        writeJson(v.get(i), out);
      }
      out.append(']');
    } else if (v.isTextual()) {
      writeString(v.asText(), out);
    } else if (v.isBoolean()) {
      out.append(v.asBoolean());
    } else if (v.isIntegralNumber()) {
      out.append(v.bigIntegerValue());
    } else if (v.isNumber()) {
      out.append(jsonFloat(v.doubleValue()));
    } else {
      writeString(v.asText(), out);
    }
  }

  private static void writeString(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '<', '>', '&', '\u2028', '\u2029' -> out.append(String.format("\\u%04x", (int) c));
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  /** {@code fmt.Sprint(float64)} ({@code %g}, shortest): %e when the exponent is < -4 or >= 6. */
  static String formatG(double d) {
    return format(d, -4, 6);
  }

  /** {@code encoding/json} floats: %f unless |d| < 1e-6 or >= 1e21, exponent without padding. */
  static String jsonFloat(double d) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      return "null";
    }
    double abs = Math.abs(d);
    if (abs != 0 && (abs < 1e-6 || abs >= 1e21)) {
      String e = scientific(d);
      // Go cleans "e-09" to "e-9" for JSON.
      return e.replaceFirst("e([+-])0(\\d)$", "e$1$2");
    }
    return plain(d);
  }

  private static String format(double d, int minExp, int maxExp) {
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "+Inf" : "-Inf";
    }
    if (d == 0) {
      return (1 / d < 0) ? "-0" : "0";
    }
    BigDecimal bd = new BigDecimal(Double.toString(d)).stripTrailingZeros();
    int exp = bd.precision() - bd.scale() - 1;
    if (exp < minExp || exp >= maxExp) {
      return scientific(d);
    }
    return bd.toPlainString();
  }

  private static String plain(double d) {
    if (d == 0) {
      return "0";
    }
    return new BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString();
  }

  /** Shortest digits as d.ddde±XX (at least two exponent digits), as strconv's 'e' format. */
  private static String scientific(double d) {
    BigDecimal bd = new BigDecimal(Double.toString(d)).stripTrailingZeros();
    String digits = bd.unscaledValue().abs().toString();
    int exp = bd.precision() - bd.scale() - 1;
    StringBuilder out = new StringBuilder();
    if (bd.signum() < 0) {
      out.append('-');
    }
    out.append(digits.charAt(0));
    if (digits.length() > 1) {
      out.append('.').append(digits, 1, digits.length());
    }
    out.append('e').append(exp < 0 ? '-' : '+');
    int a = Math.abs(exp);
    if (a < 10) {
      out.append('0');
    }
    out.append(a);
    return out.toString();
  }
}
