package dev.flotilla.apiserver.review;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.auth.TokenAuthenticator;
import dev.flotilla.apiserver.http.ApiRequest;
import dev.flotilla.apiserver.http.Reply;
import dev.flotilla.apiserver.http.VirtualResource;
import dev.flotilla.apiserver.objects.ApiException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code authentication.k8s.io}: SelfSubjectReview (who the request is, after impersonation: {@code
 * kubectl auth whoami}) and TokenReview (who a bearer token is). Nothing is stored.
 */
public final class IdentityReviews {
  public static final String GROUP = "authentication.k8s.io";

  private final TokenAuthenticator authenticator;

  public IdentityReviews(TokenAuthenticator authenticator) {
    this.authenticator = authenticator;
  }

  /**
   * The two resources, by plural; SelfSubjectReview in v1 and in the versions kubectl 1.27 uses.
   */
  public Map<String, VirtualResource> resources() {
    return Map.of(
        "selfsubjectreviews",
        resource(Set.of("v1", "v1beta1", "v1alpha1"), this::selfSubjectReview),
        "tokenreviews",
        resource(Set.of("v1", "v1beta1"), this::tokenReview));
  }

  private static VirtualResource resource(
      Set<String> versions, java.util.function.Function<ApiRequest, Reply> create) {
    return new VirtualResource() {
      @Override
      public boolean serves(String version) {
        return versions.contains(version);
      }

      @Override
      public Reply create(ApiRequest request) {
        return create.apply(request);
      }
    };
  }

  Reply selfSubjectReview(ApiRequest r) {
    ObjectNode review = Reviews.body(r, "SelfSubjectReview");
    review.remove("spec");
    Reviews.userInfo(review.putObject("status").putObject("userInfo"), r.user());
    return Reply.json(201, review);
  }

  Reply tokenReview(ApiRequest r) {
    ObjectNode review = Reviews.body(r, "TokenReview");
    String token = review.path("spec").path("token").asText("");
    if (token.isEmpty()) {
      throw ApiException.badRequest(
          "token is required for TokenReview in " + GROUP + ": set spec.token");
    }
    java.util.List<String> audiences = new java.util.ArrayList<>();
    review.path("spec").path("audiences").forEach(a -> audiences.add(a.asText()));
    Optional<TokenAuthenticator.Reviewed> reviewed = authenticator.review(token, audiences);
    ObjectNode status = review.putObject("status");
    // The token is a secret: the answer must not repeat it.
    ((ObjectNode) review.get("spec")).remove("token");
    if (reviewed.isPresent()) {
      status.put("authenticated", true);
      Reviews.userInfo(status.putObject("user"), reviewed.get().user());
      reviewed.get().audiences().forEach(status.withArray("audiences")::add);
    } else {
      status.putObject("user");
    }
    return Reply.json(201, review);
  }
}
