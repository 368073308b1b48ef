package dev.flotilla.apiserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.fixtures.KubectlRunner;
import dev.flotilla.fixtures.KubectlRunner.Binary;
import dev.flotilla.fixtures.KubectlRunner.Result;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestConditionBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The certificates API with kubectl 1.27 and 1.33 and fabric8: a CSR records who asked, {@code
 * kubectl certificate approve} needs {@code update} on {@code certificatesigningrequests/approval}
 * and {@code approve} on the signer, the kube-apiserver-client signer issues a certificate the hub
 * authenticates, for the asked duration, and refuses what upstream refuses.
 */
class CertificateSigningRequestIT {
  private static final String SIGNER = "kubernetes.io/kube-apiserver-client";
  private static TestHub hub;
  private static KubernetesClient admin;
  private static final List<KubectlRunner> runners = new ArrayList<>();

  static Stream<Binary> binaries() {
    return KubectlRunner.oldestAndNewest();
  }

  @BeforeAll
  static void start() {
    hub = RbacUsers.startHub();
    admin = hub.client();
    bindCluster("carl", "system:node-bootstrapper");
    admin
        .rbac()
        .clusterRoles()
        .resource(
            new ClusterRoleBuilder()
                .withNewMetadata()
                .withName("csr-approval-writer")
                .endMetadata()
                .addNewRule()
                .withApiGroups("certificates.k8s.io")
                .withResources("certificatesigningrequests", "certificatesigningrequests/approval")
                .withVerbs("get", "update")
                .endRule()
                .build())
        .create();
    bindCluster("dora", "csr-approval-writer");
    bindCluster("victor", "csr-approval-writer");
    bindCluster("victor", "system:certificates.k8s.io:kube-apiserver-client-approver");
  }

  private static void bindCluster(String user, String role) {
    admin
        .rbac()
        .clusterRoleBindings()
        .resource(
            new ClusterRoleBindingBuilder()
                .withNewMetadata()
                .withName(user + "-" + role.replace(':', '-'))
                .endMetadata()
                .withNewRoleRef()
                .withApiGroup("rbac.authorization.k8s.io")
                .withKind("ClusterRole")
                .withName(role)
                .endRoleRef()
                .addNewSubject()
                .withApiGroup("rbac.authorization.k8s.io")
                .withKind("User")
                .withName(user)
                .endSubject()
                .build())
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

  private static KubectlRunner kubectl(Binary binary, String user) {
    KubectlRunner r = KubectlRunner.of(binary, RbacUsers.kubeconfig(hub, user));
    synchronized (runners) {
      runners.add(r);
    }
    return r;
  }

  private static JsonNode csr(String name) {
    return Fabric8Support.JSON.valueToTree(
        admin.certificates().v1().certificateSigningRequests().withName(name).get());
  }

  private static X509Certificate awaitCertificate(String name) throws Exception {
    Fabric8Support.await(
        "a certificate for " + name,
        () -> !csr(name).path("status").path("certificate").asText("").isEmpty());
    byte[] pem = Base64.getDecoder().decode(csr(name).path("status").path("certificate").asText());
    return (X509Certificate)
        CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(pem));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("binaries")
  void approveIssuesACertificateTheHubAuthenticates(Binary binary) throws Exception {
    assumeFalse(KubectlRunner.installed().isEmpty(), KubectlRunner.notInstalledMessage());
    String name = "carl-csr-" + binary.minor();
    CsrFixtures request = CsrFixtures.of("carl-cert-" + binary.minor(), List.of("team-x"));
    kubectl(binary, "carl")
        .writeWithInput(
            request.manifest(name, SIGNER, List.of("client auth", "digital signature"), 3600),
            "create",
            "-f",
            "-")
        .assertOk();
    JsonNode spec = csr(name).path("spec");
    assertEquals("carl", spec.path("username").asText(), "the server records who asked");
    assertEquals("[\"system:authenticated\"]", spec.path("groups").toString());

    Result carl = kubectl(binary, "carl").run("certificate", "approve", name).assertFails();
    assertTrue(
        carl.stderr()
            .contains(
                "certificatesigningrequests.certificates.k8s.io \""
                    + name
                    + "\" is forbidden: User \"carl\" cannot update resource"
                    + " \"certificatesigningrequests/approval\" in API group"
                    + " \"certificates.k8s.io\" at the cluster scope"),
        carl::toString);
    Result dora = kubectl(binary, "dora").run("certificate", "approve", name).assertFails();
    assertTrue(
        dora.stderr()
            .contains(
                "certificatesigningrequests.certificates.k8s.io \""
                    + name
                    + "\" is forbidden: user not permitted to approve requests with signerName"
                    + " \"kubernetes.io/kube-apiserver-client\""),
        dora::toString);
    assertTrue(csr(name).path("status").path("conditions").isMissingNode(), "nothing changed");

    kubectl(binary, "victor").run("certificate", "approve", name).assertOk();
    X509Certificate cert = awaitCertificate(name);
    assertTrue(
        cert.getSubjectX500Principal().getName().contains("CN=carl-cert-" + binary.minor()),
        cert::toString);
    long seconds = (cert.getNotAfter().getTime() - cert.getNotBefore().getTime()) / 1000;
    assertTrue(seconds <= 3600 + 300 && seconds >= 3600, "expirationSeconds honoured: " + seconds);
    assertEquals(List.of("1.3.6.1.5.5.7.3.2"), cert.getExtendedKeyUsage());

    String pem =
        new String(
            Base64.getDecoder().decode(csr(name).path("status").path("certificate").asText()),
            StandardCharsets.US_ASCII);
    JsonNode who =
        Fabric8Support.JSON.readTree(
            certKubectl(binary, name, pem, request.keyPem())
                .run("auth", "whoami", "-o", "json")
                .assertOk()
                .stdout());
    assertEquals(
        "carl-cert-" + binary.minor(),
        who.path("status").path("userInfo").path("username").asText());
    assertEquals(
        "[\"team-x\",\"system:authenticated\"]",
        who.path("status").path("userInfo").path("groups").toString());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("binaries")
  void denyLeavesTheRequestWithoutCertificate(Binary binary) throws Exception {
    assumeFalse(KubectlRunner.installed().isEmpty(), KubectlRunner.notInstalledMessage());
    String name = "denied-" + binary.minor();
    KubectlRunner kubectl = kubectl(binary, "carl");
    kubectl
        .writeWithInput(
            CsrFixtures.of("denied", List.of()).manifest(name, SIGNER, List.of("client auth"), 600),
            "create",
            "-f",
            "-")
        .assertOk();
    kubectl(binary, "victor").run("certificate", "deny", name).assertOk();
    JsonNode denied = csr(name);
    assertEquals("Denied", denied.path("status").path("conditions").path(0).path("type").asText());
    // A later approval (a separate request) is signed; the denied one never is.
    String later = "after-denied-" + binary.minor();
    kubectl
        .writeWithInput(
            CsrFixtures.of("later", List.of()).manifest(later, SIGNER, List.of("client auth"), 600),
            "create",
            "-f",
            "-")
        .assertOk();
    kubectl(binary, "victor").run("certificate", "approve", later).assertOk();
    awaitCertificate(later);
    assertEquals("", csr(name).path("status").path("certificate").asText(""));
    Result again = kubectl(binary, "victor").run("certificate", "approve", name);
    assertTrue(
        !again.ok() || again.stdout().contains("denied") || again.stderr().contains("denied"),
        again::toString);
  }

  @Test
  void patchOnApprovalChangesOnlyTheConditions() throws Exception {
    String manifest =
        CsrFixtures.of("patched", List.of())
            .manifest("patched", SIGNER, List.of("client auth"), 3600);
    admin.certificates().v1().certificateSigningRequests().load(stream(manifest)).create();
    String path = "/apis/certificates.k8s.io/v1/certificatesigningrequests/patched/approval";
    String approve =
        "{\"spec\":{\"expirationSeconds\":86400},\"status\":{\"conditions\":[{\"type\":"
            + "\"Approved\",\"status\":\"True\",\"reason\":\"ByPatch\",\"message\":\"m\"}]}}";
    // dora may update /approval but not patch it: RBAC asks for the request's own verb.
    try (KubernetesClient dora = hub.client(RbacUsers.token("dora"))) {
      Fabric8Support.Raw refused =
          Fabric8Support.raw(dora, "PATCH", path, "application/merge-patch+json", approve);
      assertEquals(403, refused.code(), refused.body());
    }
    assertTrue(csr("patched").path("status").path("conditions").isMissingNode());
    Fabric8Support.Raw applied =
        Fabric8Support.raw(admin, "PATCH", path, "application/apply-patch+yaml", "{\"status\":{}}");
    assertEquals(415, applied.code(), applied.body());

    Fabric8Support.Raw patched =
        Fabric8Support.raw(admin, "PATCH", path, "application/merge-patch+json", approve);
    assertEquals(200, patched.code(), patched.body());
    JsonNode stored = csr("patched");
    assertEquals(
        "ByPatch", stored.path("status").path("conditions").path(0).path("reason").asText());
    assertEquals(3600, stored.path("spec").path("expirationSeconds").asInt(), "spec is fixed");
    awaitCertificate("patched");
  }

  @Test
  void upstreamRefusalsAre403And422() throws Exception {
    String masters =
        CsrFixtures.of("root", List.of("system:masters"))
            .manifest("masters", SIGNER, List.of("client auth"), 3600);
    KubernetesClientException e =
        Fabric8Support.fails(
            403,
            () ->
                admin
                    .certificates()
                    .v1()
                    .certificateSigningRequests()
                    .load(stream(masters))
                    .create());
    assertTrue(
        e.getStatus()
            .getMessage()
            .equals(
                "certificatesigningrequests.certificates.k8s.io \"masters\" is forbidden: use of"
                    + " kubernetes.io/kube-apiserver-client signer with system:masters group is not"
                    + " allowed"),
        e.getStatus().getMessage());

    String shortLived =
        CsrFixtures.of("brief", List.of()).manifest("brief", SIGNER, List.of("client auth"), 599);
    e =
        Fabric8Support.fails(
            422,
            () ->
                admin
                    .certificates()
                    .v1()
                    .certificateSigningRequests()
                    .load(stream(shortLived))
                    .create());
    assertTrue(e.getStatus().getMessage().contains("spec.expirationSeconds"), e::getMessage);

    // Approved with server usages: the signer refuses it with the Failed condition.
    String server =
        CsrFixtures.of("srv", List.of())
            .manifest("server-usage", SIGNER, List.of("server auth"), 3600);
    admin.certificates().v1().certificateSigningRequests().load(stream(server)).create();
    admin
        .certificates()
        .v1()
        .certificateSigningRequests()
        .withName("server-usage")
        .approve(
            new CertificateSigningRequestConditionBuilder()
                .withType("Approved")
                .withStatus("True")
                .withReason("Test")
                .withMessage("approved by the test")
                .build());
    Fabric8Support.await(
        "the signer's Failed condition",
        () ->
            csr("server-usage")
                .path("status")
                .path("conditions")
                .toString()
                .contains("SignerValidationFailure"));
    assertTrue(
        csr("server-usage")
            .toString()
            .contains("invalid usage for client certificate: server auth"));
    assertEquals("", csr("server-usage").path("status").path("certificate").asText(""));

    // Approved and Denied come through /approval only, never /status.
    String pending =
        CsrFixtures.of("pending", List.of())
            .manifest("pending", SIGNER, List.of("client auth"), 3600);
    CertificateSigningRequest created =
        admin.certificates().v1().certificateSigningRequests().load(stream(pending)).create();
    created.setStatus(
        new io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestStatusBuilder()
            .addNewCondition()
            .withType("Approved")
            .withStatus("True")
            .endCondition()
            .build());
    e =
        Fabric8Support.fails(
            422,
            () ->
                admin
                    .certificates()
                    .v1()
                    .certificateSigningRequests()
                    .resource(created)
                    .updateStatus());
    assertTrue(
        e.getStatus().getMessage().contains("updates may not add a condition of type \"Approved\""),
        e::getMessage);
    assertTrue(csr("pending").path("status").path("conditions").isMissingNode());
  }

  private static ByteArrayInputStream stream(String yaml) {
    return new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8));
  }

  private static KubectlRunner certKubectl(
      Binary binary, String name, String certPem, String keyPem) throws IOException {
    KubectlRunner r =
        KubectlRunner.of(binary, hub.certificateKubeconfig(name + ".kubeconfig", certPem, keyPem));
    synchronized (runners) {
      runners.add(r);
    }
    return r;
  }
}
