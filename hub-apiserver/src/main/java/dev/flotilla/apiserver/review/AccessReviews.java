package dev.flotilla.apiserver.review;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.auth.UserInfo;
import dev.flotilla.apiserver.http.ApiRequest;
import dev.flotilla.apiserver.http.Reply;
import dev.flotilla.apiserver.http.VirtualResource;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.rbac.Attributes;
import dev.flotilla.apiserver.rbac.Decision;
import dev.flotilla.apiserver.rbac.HubAuthorizer;
import dev.flotilla.apiserver.rbac.PolicyRule;
import java.util.List;
import java.util.Set;

/**
 * {@code authorization.k8s.io}: SelfSubjectAccessReview, SubjectAccessReview,
 * LocalSubjectAccessReview and SelfSubjectRulesReview, answered by the hub's own authorizer chain
 * and stored nowhere ({@code kubectl auth can-i}, with and without {@code --list}).
 */
public final class AccessReviews {
  public static final String GROUP = "authorization.k8s.io";
  private static final Set<String> VERSIONS = Set.of("v1", "v1beta1");

  private final HubAuthorizer authorizer;

  public AccessReviews(HubAuthorizer authorizer) {
    this.authorizer = authorizer;
  }

  /** The four resources, by plural. */
  public java.util.Map<String, VirtualResource> resources() {
    return java.util.Map.of(
        "selfsubjectaccessreviews", handler(this::selfSubjectAccessReview),
        "subjectaccessreviews", handler(this::subjectAccessReview),
        "localsubjectaccessreviews", handler(this::localSubjectAccessReview),
        "selfsubjectrulesreviews", handler(this::selfSubjectRulesReview));
  }

  private static VirtualResource handler(java.util.function.Function<ApiRequest, Reply> create) {
    return new VirtualResource() {
      @Override
      public boolean serves(String version) {
        return VERSIONS.contains(version);
      }

      @Override
      public Reply create(ApiRequest request) {
        return create.apply(request);
      }
    };
  }

  Reply selfSubjectAccessReview(ApiRequest r) {
    ObjectNode review = Reviews.body(r, "SelfSubjectAccessReview");
    JsonNode spec = review.path("spec");
    Reviews.exactlyOneAttributes("SelfSubjectAccessReview", spec);
    return answer(review, attributes(r.user(), spec));
  }

  Reply subjectAccessReview(ApiRequest r) {
    ObjectNode review = Reviews.body(r, "SubjectAccessReview");
    JsonNode spec = review.path("spec");
    Reviews.exactlyOneAttributes("SubjectAccessReview", spec);
    return answer(review, attributes(subject(spec), spec));
  }

  Reply localSubjectAccessReview(ApiRequest r) {
    ObjectNode review = Reviews.body(r, "LocalSubjectAccessReview");
    JsonNode spec = review.path("spec");
    if (spec.path("nonResourceAttributes").isObject()) {
      throw Reviews.invalid(
          "LocalSubjectAccessReview",
          "spec.nonResourceAttributes",
          spec.path("nonResourceAttributes").toString(),
          "disallowed on this kind of request");
    }
    if (!spec.path("resourceAttributes").isObject()) {
      throw Reviews.invalid(
          "LocalSubjectAccessReview",
          "spec.resourceAttributes",
          "\"null\"",
          "a LocalSubjectAccessReview asks about a resource");
    }
    Reviews.checkSubject("LocalSubjectAccessReview", spec);
    String namespace = r.info().namespace();
    ObjectNode attrs = (ObjectNode) spec.path("resourceAttributes");
    String given = attrs.path("namespace").asText("");
    if (given.isEmpty()) {
      attrs.put("namespace", namespace);
    } else if (!given.equals(namespace)) {
      throw ApiException.badRequest(
          "spec.resourceAttributes.namespace must match namespace: " + namespace);
    }
    return answer(review, attributes(subject(spec), spec));
  }

  Reply selfSubjectRulesReview(ApiRequest r) {
    ObjectNode review = Reviews.body(r, "SelfSubjectRulesReview");
    String namespace = review.path("spec").path("namespace").asText("");
    if (namespace.isEmpty()) {
      throw ApiException.badRequest(
          "no namespace on request: set spec.namespace (kubectl auth can-i --list -n <namespace>)");
    }
    HubAuthorizer.RulesReview rules = authorizer.rulesFor(r.user(), namespace);
    ObjectNode status = review.putObject("status");
    ArrayNode resourceRules = status.putArray("resourceRules");
    ArrayNode nonResourceRules = status.putArray("nonResourceRules");
    for (PolicyRule rule : rules.rules()) {
      if (!rule.resources().isEmpty()) {
        ObjectNode n = resourceRules.addObject();
        strings(n.putArray("verbs"), rule.verbs());
        optional(n, "apiGroups", rule.apiGroups());
        optional(n, "resources", rule.resources());
        optional(n, "resourceNames", rule.resourceNames());
      }
      if (!rule.nonResourceURLs().isEmpty()) {
        ObjectNode n = nonResourceRules.addObject();
        strings(n.putArray("verbs"), rule.verbs());
        optional(n, "nonResourceURLs", rule.nonResourceURLs());
      }
    }
    status.put("incomplete", rules.incomplete());
    if (!rules.evaluationError().isEmpty()) {
      status.put("evaluationError", rules.evaluationError());
    }
    return Reply.json(201, review);
  }

  private Reply answer(ObjectNode review, Attributes attributes) {
    Decision d = authorizer.decide(attributes);
    ObjectNode status = review.putObject("status");
    status.put("allowed", d.allowed());
    if (!d.reason().isEmpty()) {
      status.put("reason", d.reason());
    }
    return Reply.json(201, review);
  }

  /** The user a SubjectAccessReview asks about, exactly as given (no groups added). */
  private static UserInfo subject(JsonNode spec) {
    return new UserInfo(
        spec.path("user").asText(""),
        spec.path("uid").asText(""),
        Reviews.strings(spec.path("groups")),
        Reviews.extra(spec.path("extra")));
  }

  private static Attributes attributes(UserInfo user, JsonNode spec) {
    JsonNode ra = spec.path("resourceAttributes");
    if (ra.isObject()) {
      return Attributes.resource(
          user,
          ra.path("verb").asText(""),
          ra.path("namespace").asText(""),
          ra.path("group").asText(""),
          ra.path("version").asText(""),
          ra.path("resource").asText(""),
          ra.path("subresource").asText(""),
          ra.path("name").asText(""));
    }
    JsonNode nra = spec.path("nonResourceAttributes");
    return Attributes.nonResource(user, nra.path("verb").asText(""), nra.path("path").asText(""));
  }

  private static void optional(ObjectNode n, String field, List<String> values) {
    if (!values.isEmpty()) {
      strings(n.putArray(field), values);
    }
  }

  private static void strings(ArrayNode a, List<String> values) {
    values.forEach(a::add);
  }
}
