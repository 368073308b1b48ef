package dev.flotilla.apiserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.apiserver.auth.KubeconfigContext;
import dev.flotilla.apiserver.auth.KubeconfigWriter;
import dev.flotilla.fixtures.KubectlRunner;
import dev.flotilla.fixtures.KubectlRunner.Binary;
import dev.flotilla.fixtures.KubectlRunner.Result;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code kubectl create token} with kubectl 1.27 and 1.33: the token's claims, requests as the
 * ServiceAccount authorized by RBAC (and refused where no binding reaches), upstream's validation,
 * and tokens that stop working once their ServiceAccount is deleted.
 */
class ServiceAccountTokenIT {
  private static TestHub hub;
  private static KubernetesClient admin;
  private static final List<KubectlRunner> runners = new ArrayList<>();

  static Stream<Binary> binaries() {
    return KubectlRunner.oldestAndNewest();
  }

  @BeforeAll
  static void start() {
    assumeFalse(KubectlRunner.installed().isEmpty(), KubectlRunner.notInstalledMessage());
    hub = RbacUsers.startHub();
    admin = hub.client();
    admin
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName("team-a").endMetadata().build())
        .create();
  }

  @AfterAll
  static void stop() {
    runners.forEach(KubectlRunner::close);
    if (admin != null) {
      admin.close();
    }
    if (hub != null) {
      hub.close();
    }
  }

  private static KubectlRunner kubectl(Binary binary, Path kubeconfig) {
    KubectlRunner r = KubectlRunner.of(binary, kubeconfig);
    synchronized (runners) {
      runners.add(r);
    }
    return r;
  }

  private static Path kubeconfigFor(String name, String token) {
    try {
      Path file = hub.dataDir().resolve(name + ".kubeconfig");
      String ca = Files.readString(hub.server().certificateAuthority().caCertPath());
      KubeconfigWriter.write(
          file, List.of(new KubeconfigContext("flotilla", hub.url(), ca, token)), "flotilla");
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void createAccount(String name) {
    admin
        .serviceAccounts()
        .inNamespace("team-a")
        .resource(
            new ServiceAccountBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
  }

  private static JsonNode tokenReview(String token, String audiences) throws IOException {
    var http = admin.getHttpClient();
    var request =
        http.newHttpRequestBuilder()
            .uri(hub.url() + "/apis/authentication.k8s.io/v1/tokenreviews")
            .method(
                "POST",
                "application/json",
                "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenReview\","
                    + "\"spec\":{\"token\":\""
                    + token
                    + "\",\"audiences\":"
                    + audiences
                    + "}}")
            .build();
    try {
      var response =
          http.sendAsync(request, String.class).get(60, java.util.concurrent.TimeUnit.SECONDS);
      assertEquals(201, response.code(), response::body);
      return Fabric8Support.JSON.readTree(response.body());
    } catch (InterruptedException
        | java.util.concurrent.ExecutionException
        | java.util.concurrent.TimeoutException e) {
      throw new IOException(e);
    }
  }

  /** A 401 in kubectl's words (from discovery or from the request itself). */
  private static boolean unauthorized(Result r) {
    return !r.ok()
        && (r.stderr().contains("(Unauthorized")
            || r.stderr().contains("the server has asked for the client to provide credentials"));
  }

  private static JsonNode claims(String jwt) throws IOException {
    String[] parts = jwt.split("\\.");
    assertEquals(3, parts.length, jwt);
    return Fabric8Support.JSON.readTree(
        new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("binaries")
  void createTokenGivesAnRbacAuthorizedIdentity(Binary binary) throws IOException {
    String sa = "builder-" + binary.minor();
    createAccount(sa);
    KubectlRunner root = kubectl(binary, hub.kubeconfig());
    root.write(
            "create",
            "rolebinding",
            sa + "-edit",
            "--clusterrole=edit",
            "--serviceaccount=team-a:" + sa,
            "-n",
            "team-a")
        .assertOk();
    String token = root.run("create", "token", sa, "-n", "team-a").assertOk().stdout().trim();

    JsonNode claims = claims(token);
    String uid =
        admin.serviceAccounts().inNamespace("team-a").withName(sa).get().getMetadata().getUid();
    assertEquals("https://kubernetes.default.svc.cluster.local", claims.path("iss").asText());
    assertEquals("system:serviceaccount:team-a:" + sa, claims.path("sub").asText());
    assertTrue(claims.path("aud").toString().contains("kubernetes.default.svc"), claims::toString);
    long lifetime = claims.path("exp").asLong() - claims.path("iat").asLong();
    assertEquals(3600, lifetime, claims::toString);
    assertEquals("team-a", claims.path("kubernetes.io").path("namespace").asText());
    assertEquals(sa, claims.path("kubernetes.io").path("serviceaccount").path("name").asText());
    assertEquals(uid, claims.path("kubernetes.io").path("serviceaccount").path("uid").asText());

    KubectlRunner asSa = kubectl(binary, kubeconfigFor(sa, token));
    JsonNode who =
        Fabric8Support.JSON.readTree(asSa.run("auth", "whoami", "-o", "json").assertOk().stdout());
    JsonNode info = who.path("status").path("userInfo");
    assertEquals(
        "system:serviceaccount:team-a:" + sa, info.path("username").asText(), who::toString);
    assertEquals(uid, info.path("uid").asText());
    assertEquals(
        "[\"system:serviceaccounts\",\"system:serviceaccounts:team-a\",\"system:authenticated\"]",
        info.path("groups").toString());

    asSa.write("create", "configmap", "made-by-" + sa, "-n", "team-a").assertOk();
    asSa.run("get", "configmap", "made-by-" + sa, "-n", "team-a").assertOk();
    Result denied = asSa.run("get", "configmaps", "-n", "default").assertFails();
    assertTrue(
        denied
            .stderr()
            .contains(
                "configmaps is forbidden: User \"system:serviceaccount:team-a:"
                    + sa
                    + "\" cannot list resource \"configmaps\" in API group \"\" in the namespace"
                    + " \"default\""),
        denied::toString);
    // edit includes serviceaccounts/token (as upstream) in its namespace only.
    asSa.run("create", "token", sa, "-n", "team-a").assertOk();
    Result cannotMint = asSa.run("create", "token", "default", "-n", "default").assertFails();
    assertTrue(
        cannotMint
            .stderr()
            .contains(
                "serviceaccounts \"default\" is forbidden: User \"system:serviceaccount:team-a:"
                    + sa
                    + "\" cannot create resource \"serviceaccounts/token\""),
        cannotMint::toString);

    // Deleting the account ends its tokens, and a namesake does not revive them.
    admin.serviceAccounts().inNamespace("team-a").withName(sa).delete();
    Fabric8Support.await(
        "the deleted account's token to be refused",
        () -> !asSa.run("get", "configmaps", "-n", "team-a").ok());
    Result gone = asSa.run("get", "configmaps", "-n", "team-a");
    assertTrue(unauthorized(gone), gone::toString);
    createAccount(sa);
    String fresh = root.run("create", "token", sa, "-n", "team-a").assertOk().stdout().trim();
    kubectl(binary, kubeconfigFor(sa + "-fresh", fresh))
        .run("get", "configmaps", "-n", "team-a")
        .assertOk();
    assertTrue(unauthorized(asSa.run("get", "configmaps", "-n", "team-a")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("binaries")
  void createTokenValidatesAsUpstream(Binary binary) throws IOException {
    String sa = "checker-" + binary.minor();
    createAccount(sa);
    KubectlRunner root = kubectl(binary, hub.kubeconfig());
    String token =
        root.run("create", "token", sa, "-n", "team-a", "--duration", "2h", "--audience", "vault")
            .assertOk()
            .stdout()
            .trim();
    JsonNode claims = claims(token);
    assertEquals(7200, claims.path("exp").asLong() - claims.path("iat").asLong());
    assertEquals("[\"vault\"]", claims.path("aud").toString());
    // A token for another audience is not a credential for this hub.
    Result other = kubectl(binary, kubeconfigFor(sa + "-vault", token)).run("get", "ns");
    assertTrue(unauthorized(other), other::toString);

    // A TokenReview for that audience vouches for it; one for the hub's does not.
    JsonNode forVault = tokenReview(token, "[\"vault\",\"other\"]");
    assertTrue(forVault.path("status").path("authenticated").asBoolean(), forVault::toString);
    assertEquals("[\"vault\"]", forVault.path("status").path("audiences").toString());
    assertEquals(
        "system:serviceaccount:team-a:" + sa,
        forVault.path("status").path("user").path("username").asText());
    JsonNode forHub = tokenReview(token, "[]");
    assertFalse(forHub.path("status").path("authenticated").asBoolean(), forHub::toString);
    // A static token is a credential for this hub only.
    JsonNode adminForVault = tokenReview(hub.adminToken(), "[\"vault\"]");
    assertFalse(
        adminForVault.path("status").path("authenticated").asBoolean(), adminForVault::toString);
    JsonNode adminForHub = tokenReview(hub.adminToken(), "[]");
    assertEquals(
        "[\"https://kubernetes.default.svc.cluster.local\"]",
        adminForHub.path("status").path("audiences").toString());

    Result tooShort = root.run("create", "token", sa, "-n", "team-a", "--duration", "5m");
    tooShort.assertFails();
    assertTrue(
        tooShort
            .stderr()
            .contains(
                "spec.expirationSeconds: Invalid value: 300: may not specify a duration less than"
                    + " 10 minutes"),
        tooShort::toString);
    Result missing = root.run("create", "token", "no-such-account", "-n", "team-a").assertFails();
    assertTrue(
        missing.stderr().contains("serviceaccounts \"no-such-account\" not found"),
        missing::toString);
  }
}
