package dev.flotilla.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.agent.join.BootstrapJoin;
import dev.flotilla.agent.join.CaPin;
import dev.flotilla.agent.join.CertificateRenewal;
import dev.flotilla.apiserver.HubConfig;
import dev.flotilla.apiserver.HubServer;
import dev.flotilla.apiserver.auth.BootstrapTokens;
import dev.flotilla.apiserver.objects.Json;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An agent that joined by CSR renews its client certificate once 80% of its life has passed: with
 * the certificate itself it asks for a new one, the hub's agent CSR approver approves the
 * self-renewal, and the hub kubeconfig then holds a new certificate for the same identity, which
 * the hub accepts. The renewal time is given as a clock reading, not waited for.
 */
class CertificateRenewalIT {
  private static Path dir;
  private static HubServer hub;
  private static KubernetesClient admin;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("flotilla-renewal");
    hub = HubServer.create(HubConfig.of(dir.resolve("hub"), 0)).start();
    admin = E2ESupport.adminClient(hub);
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

  @Test
  void aDueCertificateIsRenewedByTheAgentItself() throws Exception {
    String token = BootstrapTokens.generate();
    admin
        .secrets()
        .inNamespace(BootstrapTokens.NAMESPACE)
        .resource(
            Json.MAPPER.treeToValue(
                BootstrapTokens.secretFor(
                    token,
                    null,
                    List.of("system:bootstrappers:karmada:default-cluster-token"),
                    "renewal"),
                Secret.class))
        .create();
    X509Certificate ca =
        (X509Certificate)
            CertificateFactory.getInstance("X.509")
                .generateCertificate(
                    new ByteArrayInputStream(
                        Files.readAllBytes(hub.certificateAuthority().caCertPath())));
    Path kubeconfig = dir.resolve("agent.kubeconfig");
    BootstrapJoin.join(
        new BootstrapJoin.Request(
            hub.url(), token, List.of(CaPin.of(ca)), "renewing", 600, Duration.ofMinutes(3)),
        kubeconfig);
    X509Certificate first = CertificateRenewal.certificate(kubeconfig).orElseThrow();
    Instant due = CertificateRenewal.renewalTime(first);
    long life = first.getNotAfter().getTime() - first.getNotBefore().getTime();
    assertEquals(
        first.getNotBefore().getTime() + (long) (life * 0.8), due.toEpochMilli(), "80% of life");

    assertFalse(
        CertificateRenewal.renewIfDue(
            kubeconfig, "renewing", due.minusSeconds(1), Duration.ofMinutes(3)),
        "not due yet");
    assertEquals(first, CertificateRenewal.certificate(kubeconfig).orElseThrow());

    assertTrue(CertificateRenewal.renewIfDue(kubeconfig, "renewing", due, Duration.ofMinutes(3)));
    X509Certificate second = CertificateRenewal.certificate(kubeconfig).orElseThrow();
    assertNotEquals(first.getSerialNumber(), second.getSerialNumber());
    assertNotEquals(first.getPublicKey(), second.getPublicKey(), "a new key");
    assertEquals(
        first.getSubjectX500Principal(), second.getSubjectX500Principal(), "same identity");

    List<CertificateSigningRequest> asked =
        admin.certificates().v1().certificateSigningRequests().list().getItems().stream()
            .filter(c -> c.getSpec().getUsername().equals("system:karmada:agent:renewing"))
            .toList();
    assertEquals(1, asked.size(), "the agent itself asked once");
    CertificateSigningRequest renewal = asked.get(0);
    assertTrue(
        renewal.getStatus().getConditions().get(0).getMessage().contains("self"),
        renewal.getStatus().toString());

    try (KubernetesClient renewed =
        new KubernetesClientBuilder()
            .withConfig(
                Config.fromKubeconfig(null, Files.readString(kubeconfig), kubeconfig.toString()))
            .build()) {
      assertTrue(
          renewed.namespaces().withName("karmada-es-renewing").get() != null,
          "the new certificate reaches the agent's scope");
    }
  }
}
