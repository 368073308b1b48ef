package dev.flotilla.apiserver.validation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.registry.ResourceType;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One field-level validation failure as apimachinery's {@code field.Error}: a cause reason such as
 * {@code FieldValueNotSupported}, the field path, and the body kubectl prints after the path, e.g.
 * {@code Unsupported value: "Foo": supported values: "Duplicated", "Divided"}.
 */
public record FieldError(String reason, String field, String body) {

  /** {@code field: body}, as upstream's {@code Error()}. */
  public String message() {
    return field + ": " + body;
  }

  public static FieldError required(String field, String detail) {
    return new FieldError("FieldValueRequired", field, withDetail("Required value", detail));
  }

  public static FieldError invalid(String field, JsonNode value, String detail) {
    return new FieldError(
        "FieldValueInvalid", field, withDetail("Invalid value: " + format(value), detail));
  }

  /** A value of the wrong JSON type; {@code actualType} is e.g. "string". */
  public static FieldError typeInvalid(String field, String actualType, String detail) {
    return new FieldError(
        "FieldValueTypeInvalid", field, withDetail("Invalid value: " + quote(actualType), detail));
  }

  public static FieldError notSupported(String field, JsonNode value, JsonNode allowed) {
    List<String> values = new ArrayList<>();
    for (JsonNode v : allowed) {
      values.add(quote(v.isTextual() ? v.asText() : Json.MAPPER.valueToTree(v).toString()));
    }
    return new FieldError(
        "FieldValueNotSupported",
        field,
        "Unsupported value: " + format(value) + ": supported values: " + String.join(", ", values));
  }

  public static FieldError forbidden(String field, String detail) {
    return new FieldError("FieldValueForbidden", field, withDetail("Forbidden", detail));
  }

  /** Unsupported value, the supported ones listed in the order given (upstream sorts them). */
  public static FieldError notSupported(String field, String value, List<String> supported) {
    List<String> quoted = new ArrayList<>();
    supported.forEach(v -> quoted.add(quote(v)));
    return new FieldError(
        "FieldValueNotSupported",
        field,
        "Unsupported value: " + quote(value) + ": supported values: " + String.join(", ", quoted));
  }

  public static FieldError tooLong(String field, long max) {
    return new FieldError(
        "FieldValueTooLong",
        field,
        "Too long: may not be more than " + max + (max == 1 ? " byte" : " bytes"));
  }

  public static FieldError tooMany(String field, long actual, long max) {
    return new FieldError(
        "FieldValueTooMany",
        field,
        "Too many: " + actual + ": must have at most " + max + (max == 1 ? " item" : " items"));
  }

  public static FieldError duplicate(String field, JsonNode value) {
    return new FieldError("FieldValueDuplicate", field, "Duplicate value: " + format(value));
  }

  /**
   * 422 Invalid as {@code errors.NewInvalid}: {@code <Kind>.<group> "name" is invalid: ...}, one
   * cause per distinct error, the message bracketed when there are several.
   */
  public static ApiException toInvalid(ResourceType type, String name, List<FieldError> errors) {
    Set<FieldError> distinct = new LinkedHashSet<>(errors);
    List<String> messages = new ArrayList<>();
    List<ApiException.Cause> causes = new ArrayList<>();
    for (FieldError e : distinct) {
      messages.add(e.message());
      causes.add(new ApiException.Cause(e.reason(), e.field(), e.body()));
    }
    String aggregate =
        messages.size() == 1 ? messages.get(0) : "[" + String.join(", ", messages) + "]";
    String qualified = type.group().isEmpty() ? type.kind() : type.kind() + "." + type.group();
    String n = name == null ? "" : name;
    return new ApiException(
        422,
        "Invalid",
        qualified + " " + quote(n) + " is invalid: " + aggregate,
        type.group(),
        type.kind(),
        n,
        causes);
  }

  private static String withDetail(String head, String detail) {
    return detail == null || detail.isEmpty() ? head : head + ": " + detail;
  }

  /** A value as Go's field errors print it: strings quoted, scalars bare, the rest as JSON. */
  public static String format(JsonNode value) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return "null";
    }
    if (value.isTextual()) {
      return quote(value.asText());
    }
    if (value.isNumber()) {
      return number(value);
    }
    return value.toString();
  }

  /** A number as Go's {@code %v}: integral values without a fraction. */
  static String number(JsonNode n) {
    if (n.isIntegralNumber()) {
      return n.bigIntegerValue().toString();
    }
    double d = n.doubleValue();
    if (d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e21) {
      return Long.toString((long) d);
    }
    return Double.toString(d);
  }

  /** Go's {@code %q}: a double-quoted string with escapes. */
  public static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        case '\r' -> sb.append("\\r");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            sb.append(String.format("\\x%02x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}
