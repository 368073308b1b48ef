package dev.flotilla.apiserver.validation;

import dev.flotilla.apiserver.objects.ApiException;
import java.util.List;

/** The {@code fieldValidation} directive of a write: what unknown and duplicate fields cause. */
public enum FieldValidation {
  /** Fail the request with 400 BadRequest naming every offending field. */
  STRICT("Strict"),
  /** Drop the fields and warn about each one ({@code Warning: 299} headers); upstream's default. */
  WARN("Warn"),
  /** Drop the fields silently. */
  IGNORE("Ignore");

  private final String value;

  FieldValidation(String value) {
    this.value = value;
  }

  public String value() {
    return value;
  }

  /**
   * Parses the query parameter; unset means Warn, as kube-apiserver. An unknown value is 422, as
   * upstream's options validation ({@code CreateOptions.meta.k8s.io "" is invalid: ...}).
   */
  public static FieldValidation parse(String param, String verb) {
    if (param == null || param.isEmpty()) {
      return WARN;
    }
    for (FieldValidation v : values()) {
      if (v.value.equals(param)) {
        return v;
      }
    }
    String options =
        switch (verb) {
          case "update" -> "UpdateOptions";
          case "patch" -> "PatchOptions";
          default -> "CreateOptions";
        };
    String body =
        "Unsupported value: "
            + FieldError.quote(param)
            + ": supported values: \"Ignore\", \"Warn\", \"Strict\"";
    return failOptions(options, body);
  }

  private static FieldValidation failOptions(String options, String body) {
    throw new ApiException(
        422,
        "Invalid",
        options + ".meta.k8s.io \"\" is invalid:" + " fieldValidation: " + body,
        "meta.k8s.io",
        options,
        "",
        List.of(new ApiException.Cause("FieldValueNotSupported", "fieldValidation", body)));
  }
}
