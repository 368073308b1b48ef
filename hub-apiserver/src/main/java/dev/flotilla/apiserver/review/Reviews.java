package dev.flotilla.apiserver.review;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.auth.UserInfo;
import dev.flotilla.apiserver.http.ApiRequest;
import dev.flotilla.apiserver.objects.ApiException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What every review shares: reading the posted object, validation errors, user info JSON. */
final class Reviews {
  private Reviews() {}

  /**
   * The posted review, its apiVersion and kind those of the URL (as the server answers in the
   * version asked), metadata reduced to what upstream echoes.
   */
  static ObjectNode body(ApiRequest r, String kind) {
    ObjectNode review = r.bodyObject();
    String expected = r.info().group() + "/" + r.info().version();
    String apiVersion = review.path("apiVersion").asText("");
    String givenKind = review.path("kind").asText("");
    if ((!apiVersion.isEmpty() && !apiVersion.equals(expected))
        || (!givenKind.isEmpty() && !givenKind.equals(kind))) {
      throw ApiException.badRequest(
          "the body is a "
              + (givenKind.isEmpty() ? "(no kind)" : givenKind)
              + " of "
              + (apiVersion.isEmpty() ? "(no apiVersion)" : apiVersion)
              + ", but this URL takes a "
              + kind
              + " of "
              + expected);
    }
    ObjectNode out = review.objectNode();
    out.put("kind", kind);
    out.put("apiVersion", expected);
    ObjectNode meta = out.putObject("metadata");
    JsonNode given = review.path("metadata");
    if (given.path("name").isTextual()) {
      meta.set("name", given.get("name"));
    }
    meta.putNull("creationTimestamp");
    out.set("spec", review.path("spec").isObject() ? review.get("spec") : out.objectNode());
    return out;
  }

  /** 422 in upstream's words: {@code Kind.group "" is invalid: field: Invalid value: v: why}. */
  static ApiException invalid(String kind, String field, String value, String message) {
    String detail = "Invalid value: " + value + ": " + message;
    return new ApiException(
        422,
        "Invalid",
        kind + "." + kindGroup(kind) + " \"\" is invalid: " + field + ": " + detail,
        kindGroup(kind),
        kind,
        null,
        List.of(new ApiException.Cause("FieldValueInvalid", field, detail)));
  }

  private static String kindGroup(String kind) {
    return kind.endsWith("AccessReview") || kind.endsWith("RulesReview")
        ? AccessReviews.GROUP
        : IdentityReviews.GROUP;
  }

  /** Upstream's rule for access reviews: resourceAttributes or nonResourceAttributes, not both. */
  static void exactlyOneAttributes(String kind, JsonNode spec) {
    boolean resource = spec.path("resourceAttributes").isObject();
    boolean nonResource = spec.path("nonResourceAttributes").isObject();
    if (resource && nonResource) {
      throw invalid(
          kind,
          "spec.nonResourceAttributes",
          spec.path("nonResourceAttributes").toString(),
          "cannot be specified in combination with resourceAttributes");
    }
    if (!resource && !nonResource) {
      throw invalid(
          kind,
          "spec.resourceAttributes",
          "\"null\"",
          "exactly one of nonResourceAttributes or resourceAttributes must be specified");
    }
    if (!kind.startsWith("Self")) {
      checkSubject(kind, spec);
    }
  }

  static void checkSubject(String kind, JsonNode spec) {
    if (spec.path("user").asText("").isEmpty() && strings(spec.path("groups")).isEmpty()) {
      throw invalid(kind, "spec.user", "\"\"", "at least one of user or group must be specified");
    }
  }

  static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    for (JsonNode v : array) {
      if (v.isTextual()) {
        out.add(v.asText());
      }
    }
    return out;
  }

  static Map<String, List<String>> extra(JsonNode extra) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    extra.fields().forEachRemaining(e -> out.put(e.getKey(), strings(e.getValue())));
    return out;
  }

  /** authentication.k8s.io UserInfo: username, uid, groups, extra (empty fields left out). */
  static ObjectNode userInfo(ObjectNode target, UserInfo user) {
    target.put("username", user.name());
    if (!user.uid().isEmpty()) {
      target.put("uid", user.uid());
    }
    if (!user.groups().isEmpty()) {
      user.groups().forEach(target.putArray("groups")::add);
    }
    if (!user.extra().isEmpty()) {
      ObjectNode extra = target.putObject("extra");
      user.extra().forEach((k, v) -> v.forEach(extra.putArray(k)::add));
    }
    return target;
  }
}
