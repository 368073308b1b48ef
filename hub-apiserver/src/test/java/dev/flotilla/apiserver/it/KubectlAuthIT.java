package dev.flotilla.apiserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.fixtures.KubectlRunner;
import dev.flotilla.fixtures.KubectlRunner.Binary;
import dev.flotilla.fixtures.KubectlRunner.Result;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code kubectl auth can-i} (with and without {@code --list}), {@code auth whoami} and {@code
 * --as}/{@code --as-group} with the oldest and newest stock kubectl we support, as the admin, a
 * namespace editor, a viewer and a user no binding names.
 */
class KubectlAuthIT {
  private static TestHub hub;
  private static final List<KubectlRunner> runners = new ArrayList<>();

  /** kubectl 1.27 and 1.33 where installed (every other version if neither is). */
  static Stream<Binary> binaries() {
    return KubectlRunner.oldestAndNewest();
  }

  @BeforeAll
  static void start() {
    assumeFalse(KubectlRunner.installed().isEmpty(), KubectlRunner.notInstalledMessage());
    hub = RbacUsers.startHub();
    try (KubernetesClient admin = hub.client()) {
      admin
          .namespaces()
          .resource(
              new NamespaceBuilder().withNewMetadata().withName("team-a").endMetadata().build())
          .create();
      RbacUsers.bind(admin, "team-a", "edit", "alice");
      RbacUsers.bind(admin, "team-a", "view", "victor");
    }
  }

  @AfterAll
  static void stop() {
    runners.forEach(KubectlRunner::close);
    if (hub != null) {
      hub.close();
    }
  }

  private static KubectlRunner kubectl(Binary binary, String user) {
    KubectlRunner r =
        KubectlRunner.of(
            binary, user.equals("admin") ? hub.kubeconfig() : RbacUsers.kubeconfig(hub, user));
    synchronized (runners) {
      runners.add(r);
    }
    return r;
  }

  private static void answers(KubectlRunner kubectl, String expected, String... args) {
    Result r = kubectl.run(args);
    assertEquals(expected, r.stdout().trim(), r::toString);
    assertEquals(expected.equals("yes") ? 0 : 1, r.exitCode(), r::toString);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("binaries")
  void canIAnswersForEachIdentity(Binary binary) {
    KubectlRunner admin = kubectl(binary, "admin");
    answers(admin, "yes", "auth", "can-i", "*", "*", "--all-namespaces");
    answers(
        admin, "yes", "auth", "can-i", "create", "deployments", "-n", "team-a", "--as", "alice");
    answers(
        admin, "no", "auth", "can-i", "create", "deployments", "-n", "default", "--as", "alice");
    answers(
        admin,
        "yes",
        "auth",
        "can-i",
        "create",
        "propagationpolicies.policy.karmada.io",
        "-n",
        "team-a",
        "--as",
        "alice");
    answers(admin, "no", "auth", "can-i", "get", "secrets", "-n", "team-a", "--as", "victor");
    answers(
        admin,
        "yes",
        "auth",
        "can-i",
        "list",
        "works.work.karmada.io",
        "-n",
        "team-a",
        "--as",
        "victor");

    KubectlRunner alice = kubectl(binary, "alice");
    answers(alice, "yes", "auth", "can-i", "create", "deployments", "-n", "team-a");
    answers(alice, "no", "auth", "can-i", "create", "deployments", "-n", "default");
    answers(alice, "no", "auth", "can-i", "create", "rolebindings", "-n", "team-a");

    KubectlRunner nobody = kubectl(binary, "nobody");
    answers(nobody, "no", "auth", "can-i", "list", "pods", "-n", "default");
    answers(nobody, "no", "auth", "can-i", "get", "/metrics");
    answers(nobody, "yes", "auth", "can-i", "get", "/version");
    // Only the admin may ask on another's behalf.
    Result asOther = nobody.run("auth", "can-i", "list", "pods", "--as", "alice", "-n", "team-a");
    assertTrue(
        asOther
            .stderr()
            .contains("users \"alice\" is forbidden: User \"nobody\" cannot impersonate"),
        asOther::toString);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("binaries")
  void canIListShowsTheRulesOfTheNamespace(Binary binary) {
    String editor =
        kubectl(binary, "alice").run("auth", "can-i", "--list", "-n", "team-a").assertOk().stdout();
    assertTrue(editor.lines().anyMatch(l -> l.startsWith("deployments.apps ")), editor);
    assertTrue(
        editor.lines().anyMatch(l -> l.startsWith("propagationpolicies.policy.karmada.io ")),
        editor);
    assertTrue(
        editor
            .lines()
            .anyMatch(l -> l.startsWith("selfsubjectaccessreviews.authorization.k8s.io ")),
        editor);
    String elsewhere =
        kubectl(binary, "alice")
            .run("auth", "can-i", "--list", "-n", "default")
            .assertOk()
            .stdout();
    assertFalse(elsewhere.lines().anyMatch(l -> l.startsWith("deployments.apps ")), elsewhere);
    String viewer =
        kubectl(binary, "admin")
            .run("auth", "can-i", "--list", "-n", "team-a", "--as", "victor")
            .assertOk()
            .stdout();
    String deployments =
        viewer.lines().filter(l -> l.startsWith("deployments.apps ")).findFirst().orElse("");
    assertTrue(deployments.contains("[get list watch]"), viewer);
    String admin = kubectl(binary, "admin").run("auth", "can-i", "--list").assertOk().stdout();
    assertTrue(
        admin.lines().anyMatch(l -> l.matches("\\*\\.\\*\\s+\\[\\]\\s+\\[\\]\\s+\\[\\*\\]")),
        admin);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("binaries")
  void whoamiNamesTheUserAndItsGroups(Binary binary) {
    JsonNode alice = json(kubectl(binary, "alice").run("auth", "whoami", "-o", "json").assertOk());
    assertEquals(
        "alice", alice.path("status").path("userInfo").path("username").asText(), alice.toString());
    assertEquals("uid-alice", alice.path("status").path("userInfo").path("uid").asText());
    assertEquals(
        "[\"system:authenticated\"]",
        alice.path("status").path("userInfo").path("groups").toString());
    Result table =
        kubectl(binary, "admin")
            .run("auth", "whoami", "--as", "dora", "--as-group", "team-x")
            .assertOk();
    assertTrue(
        table.stdout().lines().anyMatch(l -> l.matches("Username\\s+dora")), table::toString);
    assertTrue(
        table
            .stdout()
            .lines()
            .anyMatch(l -> l.matches("Groups\\s+\\[team-x system:authenticated\\]")),
        table::toString);
    Result admin = kubectl(binary, "admin").run("auth", "whoami").assertOk();
    assertTrue(admin.stdout().contains("system:masters"), admin::toString);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("binaries")
  void asActsWithTheImpersonatedUsersRightsOnly(Binary binary) {
    Result r = kubectl(binary, "admin").run("get", "secrets", "-n", "default", "--as", "lowuser");
    r.assertFails();
    assertTrue(
        r.stderr()
            .contains(
                "Error from server (Forbidden): secrets is forbidden: User \"lowuser\" cannot"
                    + " list resource \"secrets\" in API group \"\" in the namespace \"default\""),
        r::toString);
    Result nobody = kubectl(binary, "nobody").run("get", "pods", "-n", "default");
    nobody.assertFails();
    assertTrue(
        nobody
            .stderr()
            .contains(
                "pods is forbidden: User \"nobody\" cannot list resource \"pods\" in API group"
                    + " \"\" in the namespace \"default\""),
        nobody::toString);
    kubectl(binary, "admin").run("get", "deployments", "-n", "team-a", "--as", "alice").assertOk();
    kubectl(binary, "admin")
        .run("get", "deployments", "-n", "team-a", "--as", "nobody", "--as-group", "system:masters")
        .assertOk();
  }

  /** The README's recipe: a namespace and a RoleBinding of edit to a group, made with kubectl. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("binaries")
  void aTeamIsGivenANamespaceWithKubectl(Binary binary) {
    KubectlRunner admin = kubectl(binary, "admin");
    String ns = "team-" + binary.minor();
    admin.run("create", "namespace", ns).assertOk();
    admin
        .run("create", "rolebinding", ns + "-edit", "--clusterrole=edit", "--group=" + ns, "-n", ns)
        .assertOk();
    answers(
        admin,
        "yes",
        "auth",
        "can-i",
        "create",
        "propagationpolicies.policy.karmada.io",
        "-n",
        ns,
        "--as",
        "dora",
        "--as-group",
        ns);
    answers(
        admin,
        "no",
        "auth",
        "can-i",
        "create",
        "deployments",
        "-n",
        "default",
        "--as",
        "dora",
        "--as-group",
        ns);
    answers(admin, "no", "auth", "can-i", "create", "deployments", "-n", ns, "--as", "dora");
  }

  private static JsonNode json(Result r) {
    try {
      return Fabric8Support.JSON.readTree(r.stdout());
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + r, e);
    }
  }
}
