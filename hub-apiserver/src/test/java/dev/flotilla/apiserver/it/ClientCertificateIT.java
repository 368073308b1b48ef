package dev.flotilla.apiserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.apiserver.auth.CertificateAuthority;
import dev.flotilla.apiserver.auth.CertificateAuthority.ClientCredential;
import dev.flotilla.fixtures.KubectlRunner;
import dev.flotilla.fixtures.KubectlRunner.Binary;
import dev.flotilla.fixtures.KubectlRunner.Result;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * x509 client certificates with kubectl 1.27 and 1.33: the CN is the user and the O entries its
 * groups, RBAC decides what it may do, and a certificate from another CA or one not made for client
 * authentication gets no one in.
 */
class ClientCertificateIT {
  private static TestHub hub;
  private static final List<KubectlRunner> runners = new ArrayList<>();

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
              new NamespaceBuilder().withNewMetadata().withName("team-c").endMetadata().build())
          .create();
      admin
          .rbac()
          .roleBindings()
          .inNamespace("team-c")
          .resource(
              new RoleBindingBuilder()
                  .withNewMetadata()
                  .withName("team-c-edit")
                  .endMetadata()
                  .withNewRoleRef()
                  .withApiGroup("rbac.authorization.k8s.io")
                  .withKind("ClusterRole")
                  .withName("edit")
                  .endRoleRef()
                  .addNewSubject()
                  .withApiGroup("rbac.authorization.k8s.io")
                  .withKind("Group")
                  .withName("team-c")
                  .endSubject()
                  .build())
          .create();
    }
  }

  @AfterAll
  static void stop() {
    runners.forEach(KubectlRunner::close);
    if (hub != null) {
      hub.close();
    }
  }

  /** A kubeconfig whose user presents {@code certPem}/{@code keyPem} and no token. */
  private static KubectlRunner kubectl(Binary binary, String name, String certPem, String keyPem)
      throws IOException {
    KubectlRunner r =
        KubectlRunner.of(
            binary,
            hub.certificateKubeconfig(
                name + "-" + binary.minor() + ".kubeconfig", certPem, keyPem));
    synchronized (runners) {
      runners.add(r);
    }
    return r;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("binaries")
  void theCommonNameIsTheUserAndOrganizationsItsGroups(Binary binary) throws IOException {
    ClientCredential carol =
        hub.server()
            .certificateAuthority()
            .issueClientCertificate("carol", List.of("team-c", "auditors"), Duration.ofHours(1));
    KubectlRunner kubectl = kubectl(binary, "carol", carol.certificatePem(), carol.keyPem());
    JsonNode who =
        Fabric8Support.JSON.readTree(
            kubectl.run("auth", "whoami", "-o", "json").assertOk().stdout());
    JsonNode info = who.path("status").path("userInfo");
    assertEquals("carol", info.path("username").asText(), who::toString);
    assertEquals(
        "[\"team-c\",\"auditors\",\"system:authenticated\"]", info.path("groups").toString());
    assertTrue(
        info.path("extra")
            .path("authentication.kubernetes.io/credential-id")
            .toString()
            .contains("X509SHA256="),
        who::toString);

    kubectl.write("create", "configmap", "by-carol-" + binary.minor(), "-n", "team-c").assertOk();
    Result denied = kubectl.run("get", "secrets", "-n", "default").assertFails();
    assertTrue(
        denied
            .stderr()
            .contains(
                "secrets is forbidden: User \"carol\" cannot list resource \"secrets\" in API"
                    + " group \"\" in the namespace \"default\""),
        denied::toString);

    ClientCredential root =
        hub.server()
            .certificateAuthority()
            .issueClientCertificate("root", List.of("system:masters"), Duration.ofHours(1));
    kubectl(binary, "root", root.certificatePem(), root.keyPem())
        .run("get", "secrets", "-A")
        .assertOk();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("binaries")
  void certificatesNotFitForClientsGetNoOneIn(Binary binary) throws IOException {
    Path otherDir = Files.createTempDirectory("other-ca");
    ClientCredential foreign =
        CertificateAuthority.loadOrCreate(otherDir, List.of())
            .issueClientCertificate("mallory", List.of("system:masters"), Duration.ofHours(1));
    Result untrusted =
        kubectl(binary, "mallory", foreign.certificatePem(), foreign.keyPem()).run("get", "ns");
    untrusted.assertFails();

    // The hub's serving certificate is signed by the same CA but made for servers only.
    Path pki = hub.dataDir().resolve("pki");
    Result serverCert =
        kubectl(
                binary,
                "server",
                Files.readString(pki.resolve("server.crt")),
                Files.readString(pki.resolve("server.key")))
            .run("get", "ns");
    serverCert.assertFails();
    assertTrue(!serverCert.stdout().contains("default"), serverCert::toString);
  }
}
