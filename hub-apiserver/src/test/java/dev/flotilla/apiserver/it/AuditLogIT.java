package dev.flotilla.apiserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.apiserver.HubConfig;
import dev.flotilla.apiserver.audit.AuditOptions;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The audit log over real HTTPS: {@code audit.k8s.io/v1} Event lines whose level, stages and
 * content follow the policy file, for admin, RBAC-denied, unauthenticated and impersonated
 * requests.
 */
class AuditLogIT {
  private static final String POLICY =
      """
      apiVersion: audit.k8s.io/v1
      kind: Policy
      omitStages: [RequestReceived]
      rules:
      - level: None
        namespaces: [quiet]
      - level: Metadata
        resources: [{group: "", resources: [secrets]}]
      - level: RequestResponse
        resources: [{group: "", resources: [configmaps]}]
        omitManagedFields: true
      - level: None
        nonResourceURLs: ["/api*", "/openapi*", "/version"]
      - level: Metadata
      """;
  private static TestHub hub;
  private static KubernetesClient admin;
  private static Path log;

  @BeforeAll
  static void start() throws IOException {
    Path dir = Files.createTempDirectory("flotilla-audit");
    Path tokens = dir.resolve("tokens.csv");
    Files.writeString(tokens, "nobody-token,nobody,uid-nobody\nalice-token,alice,uid-alice\n");
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(policy, POLICY);
    log = dir.resolve("logs").resolve("audit.log");
    hub =
        TestHub.start(
            new HubConfig(dir, "127.0.0.1", 0, Optional.of(tokens), List.of(), true)
                .withSecurity(
                    new HubConfig.Security(
                        Optional.of(new AuditOptions(log, Optional.of(policy), 100, 3, 0)),
                        Optional.empty())));
    admin = hub.client();
    admin
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName("quiet").endMetadata().build())
        .create();
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

  private static List<JsonNode> events() {
    try {
      List<JsonNode> out = new ArrayList<>();
      if (Files.exists(log)) {
        for (String line : Files.readAllLines(log)) {
          out.add(Fabric8Support.JSON.readTree(line));
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits for the writer thread to log an event matching {@code p}, and returns it. */
  private static JsonNode awaitEvent(String what, Predicate<JsonNode> p) {
    JsonNode[] found = new JsonNode[1];
    Fabric8Support.await(
        what,
        () -> {
          found[0] = events().stream().filter(p).findFirst().orElse(null);
          return found[0] != null;
        });
    return found[0];
  }

  private static Predicate<JsonNode> at(String stage, String verb, String resource, String name) {
    return e ->
        e.path("stage").asText().equals(stage)
            && e.path("verb").asText().equals(verb)
            && e.path("objectRef").path("resource").asText().equals(resource)
            && e.path("objectRef").path("name").asText().equals(name);
  }

  @Test
  void requestResponseLevelRecordsBothObjects() {
    ConfigMap created =
        admin
            .configMaps()
            .inNamespace("default")
            .resource(
                new ConfigMapBuilder()
                    .withNewMetadata()
                    .withName("audited")
                    .endMetadata()
                    .withData(Map.of("colour", "teal"))
                    .build())
            .create();
    JsonNode e =
        awaitEvent("the create", at("ResponseComplete", "create", "configmaps", "audited"));
    assertEquals("Event", e.path("kind").asText());
    assertEquals("audit.k8s.io/v1", e.path("apiVersion").asText());
    assertEquals("RequestResponse", e.path("level").asText());
    assertEquals("admin", e.path("user").path("username").asText());
    assertTrue(e.path("user").path("groups").toString().contains("system:masters"));
    assertEquals("default", e.path("objectRef").path("namespace").asText());
    assertEquals("v1", e.path("objectRef").path("apiVersion").asText());
    assertEquals(201, e.path("responseStatus").path("code").asInt());
    assertEquals("teal", e.path("requestObject").path("data").path("colour").asText());
    assertEquals(
        created.getMetadata().getUid(),
        e.path("responseObject").path("metadata").path("uid").asText());
    assertTrue(e.path("responseObject").path("metadata").path("managedFields").isMissingNode());
    assertTrue(e.path("requestURI").asText().startsWith("/api/v1/namespaces/default/configmaps"));
    assertFalse(e.path("auditID").asText().isEmpty());
    assertTrue(e.path("sourceIPs").toString().contains("127.0.0.1"), e::toString);
    assertTrue(e.path("stageTimestamp").asText().matches("\\d{4}-.*T.*\\.\\d{6}Z"), e::toString);
    // omitStages: RequestReceived is never written.
    assertTrue(
        events().stream().noneMatch(x -> x.path("stage").asText().equals("RequestReceived")));
  }

  @Test
  void metadataLevelKeepsSecretsOut() throws IOException {
    admin
        .secrets()
        .inNamespace("default")
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("hush")
                .endMetadata()
                .withStringData(Map.of("password", "correct-horse-battery"))
                .build())
        .create();
    admin.secrets().inNamespace("default").withName("hush").get();
    JsonNode create = awaitEvent("the create", at("ResponseComplete", "create", "secrets", "hush"));
    assertEquals("Metadata", create.path("level").asText());
    assertTrue(create.path("requestObject").isMissingNode());
    assertTrue(create.path("responseObject").isMissingNode());
    awaitEvent("the get", at("ResponseComplete", "get", "secrets", "hush"));
    String all = Files.readString(log);
    assertFalse(all.contains("correct-horse-battery"), "a secret's value reached the audit log");
  }

  @Test
  void noneLevelRecordsNothing() {
    admin.configMaps().inNamespace("quiet").resource(cm("unheard")).create();
    admin.configMaps().inNamespace("default").resource(cm("heard-after")).create();
    awaitEvent("a later event", at("ResponseComplete", "create", "configmaps", "heard-after"));
    assertTrue(
        events().stream()
            .noneMatch(e -> e.path("objectRef").path("name").asText().equals("unheard")));
  }

  @Test
  void deniedUnauthenticatedAndImpersonatedRequestsAreRecorded() {
    try (KubernetesClient nobody = hub.client("nobody-token")) {
      KubernetesClientException denied =
          org.junit.jupiter.api.Assertions.assertThrows(
              KubernetesClientException.class,
              () -> nobody.configMaps().inNamespace("default").withName("secret-plans").get());
      assertEquals(403, denied.getCode());
    }
    JsonNode forbidden =
        awaitEvent(
            "the 403",
            at("ResponseComplete", "get", "configmaps", "secret-plans")
                .and(e -> e.path("user").path("username").asText().equals("nobody")));
    assertEquals(403, forbidden.path("responseStatus").path("code").asInt());
    assertEquals("Forbidden", forbidden.path("responseStatus").path("reason").asText());
    assertTrue(
        forbidden.path("responseStatus").path("message").asText().contains("User \"nobody\""));

    try (KubernetesClient stranger = hub.client("not-a-token")) {
      org.junit.jupiter.api.Assertions.assertThrows(
          KubernetesClientException.class,
          () -> stranger.configMaps().inNamespace("default").withName("who-am-i").get());
    }
    JsonNode unauthorized =
        awaitEvent("the 401", at("ResponseComplete", "get", "configmaps", "who-am-i"));
    assertEquals(401, unauthorized.path("responseStatus").path("code").asInt());
    assertTrue(unauthorized.path("user").isEmpty(), unauthorized::toString);

    try (KubernetesClient asAlice =
        new io.fabric8.kubernetes.client.KubernetesClientBuilder()
            .withConfig(
                new io.fabric8.kubernetes.client.ConfigBuilder(admin.getConfiguration())
                    .withImpersonateUsername("alice")
                    .build())
            .build()) {
      org.junit.jupiter.api.Assertions.assertThrows(
          KubernetesClientException.class,
          () -> asAlice.configMaps().inNamespace("default").withName("as-alice").get());
    }
    JsonNode impersonated =
        awaitEvent("the impersonated get", at("ResponseComplete", "get", "configmaps", "as-alice"));
    assertEquals("admin", impersonated.path("user").path("username").asText());
    assertEquals("alice", impersonated.path("impersonatedUser").path("username").asText());
  }

  @Test
  void watchesAreRecordedWhenTheyStart() {
    Watch w =
        admin
            .configMaps()
            .inNamespace("default")
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, ConfigMap resource) {}

                  @Override
                  public void onClose(WatcherException cause) {}
                });
    JsonNode started =
        awaitEvent(
            "the watch",
            e ->
                e.path("stage").asText().equals("ResponseStarted")
                    && e.path("verb").asText().equals("watch"));
    assertEquals("configmaps", started.path("objectRef").path("resource").asText());
    assertEquals(
        "allow", started.path("annotations").path("authorization.k8s.io/decision").asText());
    w.close();
    // The client went away mid-stream: the watch still gets its ResponseComplete.
    JsonNode complete =
        awaitEvent(
            "the dropped watch's ResponseComplete",
            e ->
                e.path("stage").asText().equals("ResponseComplete")
                    && e.path("verb").asText().equals("watch")
                    && e.path("auditID").equals(started.path("auditID")));
    // 101 for a WebSocket watch (fabric8's), 200 for a chunked one, as upstream records them.
    int code = complete.path("responseStatus").path("code").asInt();
    assertTrue(code == 101 || code == 200, complete::toString);
  }

  @Test
  void eventsCarryTheAuthorizationDecisionAndReason() {
    RbacUsers.bind(admin, "default", "view", "alice");
    try (KubernetesClient alice = hub.client("alice-token")) {
      Fabric8Support.await(
          "alice's view binding is in force",
          () -> {
            try {
              alice.configMaps().inNamespace("default").withName("reason-probe").get();
              return true;
            } catch (KubernetesClientException e) {
              return false;
            }
          });
      org.junit.jupiter.api.Assertions.assertThrows(
          KubernetesClientException.class,
          () -> alice.configMaps().inNamespace("kube-public").withName("reason-probe").get());
    }
    JsonNode allowed =
        awaitEvent(
            "the allowed get",
            at("ResponseComplete", "get", "configmaps", "reason-probe")
                .and(e -> e.path("responseStatus").path("code").asInt() == 404));
    JsonNode annotations = allowed.path("annotations");
    assertEquals(
        "allow", annotations.path("authorization.k8s.io/decision").asText(), allowed::toString);
    assertEquals(
        "RBAC: allowed by RoleBinding \"alice-view/default\" of ClusterRole \"view\" to User"
            + " \"alice\"",
        annotations.path("authorization.k8s.io/reason").asText());
    JsonNode forbidden =
        awaitEvent(
            "a forbidden get",
            at("ResponseComplete", "get", "configmaps", "reason-probe")
                .and(e -> e.path("responseStatus").path("code").asInt() == 403));
    assertEquals(
        "forbid", forbidden.path("annotations").path("authorization.k8s.io/decision").asText());
  }

  private static ConfigMap cm(String name) {
    return new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata().build();
  }
}
