package dev.flotilla.apiserver.http;

import dev.flotilla.apiserver.objects.ApiException;
import java.util.ArrayList;
import java.util.List;

/**
 * kube-apiserver's checks of a list's and a watch's {@code resourceVersionMatch}, {@code
 * sendInitialEvents} and {@code continue}, with its answer: 422 Invalid on the kind
 * ListOptions.meta.k8s.io, every cause found at once. They run before anything is read or written.
 */
final class ListOptionChecks {
  private static final String SEND = "sendInitialEvents";
  private static final String MATCH = "resourceVersionMatch";
  private static final String EXACT = "Exact";
  private static final String NOT_OLDER = "NotOlderThan";

  private ListOptionChecks() {}

  /** A list (or a delete of a collection). */
  static void list(ApiRequest r) {
    List<ApiException.Cause> causes = new ArrayList<>();
    String match = r.param(MATCH, "");
    String rv = r.param("resourceVersion", "");
    if (!match.isEmpty()) {
      if (rv.isEmpty()) {
        causes.add(
            forbidden(
                MATCH, "resourceVersionMatch is forbidden unless resourceVersion is provided"));
      }
      if (!r.param("continue", "").isEmpty()) {
        causes.add(forbidden(MATCH, "resourceVersionMatch is forbidden when continue is provided"));
      }
      if (!match.equals(EXACT) && !match.equals(NOT_OLDER)) {
        causes.add(notSupported(MATCH, match, "\"Exact\", \"NotOlderThan\", \"\""));
      }
      if (match.equals(EXACT) && rv.equals("0")) {
        causes.add(
            forbidden(
                MATCH, "resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\""));
      }
    }
    if (r.param(SEND) != null) {
      causes.add(forbidden(SEND, "sendInitialEvents is forbidden for list"));
    }
    refuse(causes);
  }

  /** A watch. */
  static void watch(ApiRequest r) {
    List<ApiException.Cause> causes = new ArrayList<>();
    String match = r.param(MATCH, "");
    boolean send = r.param(SEND) != null;
    if (send && !match.equals(NOT_OLDER)) {
      causes.add(
          forbidden(
              MATCH, "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan"));
    }
    if (!match.isEmpty()) {
      if (!send) {
        causes.add(
            forbidden(
                MATCH,
                "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided"));
      }
      if (!match.equals(NOT_OLDER)) {
        causes.add(notSupported(MATCH, match, "\"NotOlderThan\""));
      }
      if (!r.param("continue", "").isEmpty()) {
        causes.add(forbidden(MATCH, "resourceVersionMatch is forbidden when continue is provided"));
      }
    }
    refuse(causes);
  }

  private static ApiException.Cause forbidden(String field, String why) {
    return new ApiException.Cause("FieldValueForbidden", field, "Forbidden: " + why);
  }

  private static ApiException.Cause notSupported(String field, String value, String supported) {
    return new ApiException.Cause(
        "FieldValueNotSupported",
        field,
        "Unsupported value: \"" + value + "\": supported values: " + supported);
  }

  /** Upstream's aggregate: one cause as it is, several in brackets. */
  private static void refuse(List<ApiException.Cause> causes) {
    if (causes.isEmpty()) {
      return;
    }
    List<String> parts = new ArrayList<>();
    for (ApiException.Cause c : causes) {
      parts.add(c.field() + ": " + c.message());
    }
    String all = parts.size() == 1 ? parts.get(0) : "[" + String.join(", ", parts) + "]";
    throw new ApiException(
        422,
        "Invalid",
        "ListOptions.meta.k8s.io \"\" is invalid: " + all,
        "meta.k8s.io",
        "ListOptions",
        null,
        causes);
  }
}
