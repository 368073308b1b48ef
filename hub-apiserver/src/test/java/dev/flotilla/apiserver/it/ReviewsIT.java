package dev.flotilla.apiserver.it;

import static dev.flotilla.apiserver.it.Fabric8Support.client;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.apiserver.storage.Store;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The access and identity reviews over HTTPS: their answers, who may ask, upstream's validation
 * errors, impersonated identities, and that nothing is stored.
 */
class ReviewsIT {
  private static final String SAR = "/apis/authorization.k8s.io/v1/subjectaccessreviews";
  private static final String SSAR = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";
  private static final String SSRR = "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews";
  private static final String TOKEN_REVIEW = "/apis/authentication.k8s.io/v1/tokenreviews";
  private static final String WHOAMI = "/apis/authentication.k8s.io/v1/selfsubjectreviews";
  private static TestHub hub;
  private static KubernetesClient admin;

  @BeforeAll
  static void start() {
    hub = RbacUsers.startHub();
    admin = hub.client();
    admin
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName("team-a").endMetadata().build())
        .create();
    RbacUsers.bind(admin, "team-a", "edit", "alice");
  }

  @AfterAll
  static void stop() {
    if (admin != null) {
      admin.close();
    }
    if (hub != null) {
      hub.close();
    }
  }

  private record Answer(int code, JsonNode json) {}

  private static Answer post(KubernetesClient c, String path, String body, String... headers) {
    HttpClient http = c.getHttpClient();
    HttpRequest.Builder b =
        http.newHttpRequestBuilder()
            .uri(c.getMasterUrl().toString().replaceAll("/$", "") + path)
            .method("POST", "application/json", body);
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    try {
      HttpResponse<String> r = http.sendAsync(b.build(), String.class).get(60, TimeUnit.SECONDS);
      return new Answer(r.code(), Fabric8Support.JSON.readTree(r.body()));
    } catch (Exception e) {
      throw new IllegalStateException("POST " + path, e);
    }
  }

  private static String sar(String kind, String spec) {
    return "{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\""
        + kind
        + "\",\"spec\":"
        + spec
        + "}";
  }

  @Test
  void subjectAccessReviewAnswersForAnotherUserWithTheBindingThatAllows() {
    Answer a =
        post(
            admin,
            SAR,
            sar(
                "SubjectAccessReview",
                "{\"user\":\"alice\",\"resourceAttributes\":{\"namespace\":\"team-a\","
                    + "\"verb\":\"create\",\"group\":\"apps\",\"resource\":\"deployments\"}}"));
    assertEquals(201, a.code(), a.json().toString());
    assertTrue(a.json().path("status").path("allowed").asBoolean(), a.json().toString());
    assertEquals(
        "RBAC: allowed by RoleBinding \"alice-edit/team-a\" of ClusterRole \"edit\" to User"
            + " \"alice\"",
        a.json().path("status").path("reason").asText());
    assertEquals("alice", a.json().path("spec").path("user").asText());

    Answer elsewhere =
        post(
            admin,
            SAR,
            sar(
                "SubjectAccessReview",
                "{\"user\":\"alice\",\"resourceAttributes\":{\"namespace\":\"default\","
                    + "\"verb\":\"create\",\"group\":\"apps\",\"resource\":\"deployments\"}}"));
    assertFalse(elsewhere.json().path("status").path("allowed").asBoolean());
    Answer masters =
        post(
            admin,
            SAR,
            sar(
                "SubjectAccessReview",
                "{\"user\":\"x\",\"groups\":[\"system:masters\"],"
                    + "\"nonResourceAttributes\":{\"verb\":\"get\",\"path\":\"/metrics\"}}"));
    assertTrue(masters.json().path("status").path("allowed").asBoolean());
  }

  @Test
  void reviewsAreValidatedAsUpstreamValidatesThem() {
    Answer noSubject =
        post(
            admin,
            SAR,
            sar(
                "SubjectAccessReview",
                "{\"resourceAttributes\":{\"verb\":\"get\",\"resource\":\"pods\"}}"));
    assertEquals(422, noSubject.code());
    assertEquals(
        "SubjectAccessReview.authorization.k8s.io \"\" is invalid: spec.user: Invalid value: \"\":"
            + " at least one of user or group must be specified",
        noSubject.json().path("message").asText());
    Answer both =
        post(
            admin,
            SSAR,
            sar(
                "SelfSubjectAccessReview",
                "{\"resourceAttributes\":{\"verb\":\"get\"},\"nonResourceAttributes\":{\"verb\":\"get\"}}"));
    assertEquals(422, both.code());
    Answer neither = post(admin, SSAR, sar("SelfSubjectAccessReview", "{}"));
    assertEquals(422, neither.code());
    assertTrue(
        neither
            .json()
            .path("message")
            .asText()
            .contains("exactly one of nonResourceAttributes or resourceAttributes"),
        neither.json().toString());
    Answer noNamespace = post(admin, SSRR, sar("SelfSubjectRulesReview", "{}"));
    assertEquals(400, noNamespace.code());
    Answer mismatch =
        post(
            admin,
            "/apis/authorization.k8s.io/v1/namespaces/team-a/localsubjectaccessreviews",
            sar(
                "LocalSubjectAccessReview",
                "{\"user\":\"alice\",\"resourceAttributes\":{\"namespace\":\"other\",\"verb\":\"get\",\"resource\":\"pods\"}}"));
    assertEquals(400, mismatch.code());
    assertEquals(
        "spec.resourceAttributes.namespace must match namespace: team-a",
        mismatch.json().path("message").asText());
    Answer local =
        post(
            admin,
            "/apis/authorization.k8s.io/v1/namespaces/team-a/localsubjectaccessreviews",
            sar(
                "LocalSubjectAccessReview",
                "{\"user\":\"alice\",\"resourceAttributes\":{\"verb\":\"get\",\"resource\":\"pods\"}}"));
    assertEquals(201, local.code());
    assertTrue(local.json().path("status").path("allowed").asBoolean(), local.json().toString());
    assertEquals(
        "team-a", local.json().path("spec").path("resourceAttributes").path("namespace").asText());
  }

  @Test
  void onlyThoseGrantedMayAskAboutOthersOrReviewTokens() {
    try (KubernetesClient alice = client(hub, RbacUsers.token("alice"), b -> b)) {
      Answer a =
          post(
              alice,
              SAR,
              sar(
                  "SubjectAccessReview",
                  "{\"user\":\"bob\",\"resourceAttributes\":{\"verb\":\"get\",\"resource\":\"pods\"}}"));
      assertEquals(403, a.code());
      assertEquals(
          "subjectaccessreviews.authorization.k8s.io is forbidden: User \"alice\" cannot create"
              + " resource \"subjectaccessreviews\" in API group \"authorization.k8s.io\" at the"
              + " cluster scope",
          a.json().path("message").asText());
      assertEquals(
          403,
          post(alice, TOKEN_REVIEW, "{\"spec\":{\"token\":\"" + hub.adminToken() + "\"}}").code());
      Answer self =
          post(
              alice,
              SSAR,
              sar(
                  "SelfSubjectAccessReview",
                  "{\"nonResourceAttributes\":{\"verb\":\"get\",\"path\":\"/metrics\"}}"));
      assertEquals(201, self.code());
      assertFalse(self.json().path("status").path("allowed").asBoolean());
    }
  }

  @Test
  void tokenReviewSaysWhoATokenIsWithoutRepeatingIt() {
    Answer a = post(admin, TOKEN_REVIEW, "{\"spec\":{\"token\":\"alice-token\"}}");
    assertEquals(201, a.code(), a.json().toString());
    JsonNode status = a.json().path("status");
    assertTrue(status.path("authenticated").asBoolean());
    assertEquals("alice", status.path("user").path("username").asText());
    assertEquals("[\"system:authenticated\"]", status.path("user").path("groups").toString());
    assertFalse(a.json().toString().contains("alice-token"), a.json().toString());
    Answer bogus = post(admin, TOKEN_REVIEW, "{\"spec\":{\"token\":\"not-a-token\"}}");
    assertFalse(bogus.json().path("status").path("authenticated").asBoolean());
    assertEquals(400, post(admin, TOKEN_REVIEW, "{\"spec\":{}}").code());
  }

  @Test
  void selfSubjectReviewShowsTheImpersonatedIdentityWithUidAndExtra() {
    Answer a =
        post(
            admin,
            WHOAMI,
            "{}",
            "Impersonate-User",
            "dora",
            "Impersonate-Uid",
            "1234",
            "Impersonate-Extra-Scopes",
            "read",
            "Impersonate-Group",
            "team-x");
    assertEquals(201, a.code(), a.json().toString());
    JsonNode user = a.json().path("status").path("userInfo");
    assertEquals("dora", user.path("username").asText());
    assertEquals("1234", user.path("uid").asText());
    assertEquals("[\"team-x\",\"system:authenticated\"]", user.path("groups").toString());
    assertEquals(
        Map.of("scopes", "[\"read\"]"),
        Map.of("scopes", user.path("extra").path("scopes").toString()));
    // Upstream answers 500 here; fabric8 would retry a 500, so this client does not.
    try (KubernetesClient once =
        client(hub, hub.adminToken(), b -> b.withRequestRetryBackoffLimit(0))) {
      Answer groupsOnly = post(once, WHOAMI, "{}", "Impersonate-Group", "team-x");
      assertEquals(500, groupsOnly.code());
      assertTrue(
          groupsOnly.json().path("message").asText().contains("without impersonating a user"),
          groupsOnly.json().toString());
    }
    try (KubernetesClient alice = client(hub, RbacUsers.token("alice"), b -> b)) {
      Answer extra =
          post(
              alice,
              WHOAMI,
              "{}",
              "Impersonate-User",
              "system:serviceaccount:team-a:default",
              "Impersonate-Extra-Scopes",
              "x");
      assertEquals(403, extra.code());
      assertEquals(
          "userextras.authentication.k8s.io \"x\" is forbidden: User \"alice\" cannot impersonate resource"
              + " \"userextras/scopes\" in API group \"authentication.k8s.io\" at the cluster scope",
          extra.json().path("message").asText());
    }
  }

  @Test
  void reviewsAreCreateOnlyAndStoreNothing() {
    post(
        admin,
        SSAR,
        sar(
            "SelfSubjectAccessReview",
            "{\"resourceAttributes\":{\"verb\":\"get\",\"resource\":\"pods\"}}"));
    post(admin, WHOAMI, "{}");
    Store store = hub.server().storage().store();
    for (String group : new String[] {"authorization.k8s.io", "authentication.k8s.io"}) {
      String prefix = "/registry/" + group + "/";
      assertEquals(0, store.count(prefix, Store.prefixEnd(prefix)), group);
    }
    assertEquals(405, Fabric8Support.raw(admin, "GET", SSAR).code());
  }
}
