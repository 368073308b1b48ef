package dev.flotilla.agent.join;

import dev.flotilla.agent.kube.Fabric8Clients;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * Client-certificate rotation for an agent that joined by CSR, as kubelet's certificate manager and
 * {@code karmada-agent}'s cert rotation controller do: once {@value #RENEW_AT} of the certificate's
 * life has passed, the agent asks, with the certificate itself, for a new one for the same identity
 * (the hub's agent CSR approver approves a self-renewal), and writes it with its new key to the hub
 * kubeconfig in place of the old one. The old certificate stays valid until it expires.
 */
public final class CertificateRenewal {
  /** The share of a certificate's lifetime after which it is renewed. */
  public static final double RENEW_AT = 0.8;

  private CertificateRenewal() {}

  /** The certificate the kubeconfig's current user presents, if it presents one. */
  public static Optional<X509Certificate> certificate(Path kubeconfig) throws IOException {
    Config config =
        Config.fromKubeconfig(null, Files.readString(kubeconfig), kubeconfig.toString());
    String data = config.getClientCertData();
    if (data == null || data.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          (X509Certificate)
              CertificateFactory.getInstance("X.509")
                  .generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(data))));
    } catch (CertificateException e) {
      throw new IOException("the client certificate in " + kubeconfig + " is unreadable", e);
    }
  }

  /** When {@code cert} is due for renewal: {@value #RENEW_AT} of the way through its life. */
  public static Instant renewalTime(X509Certificate cert) {
    Instant from = cert.getNotBefore().toInstant();
    Duration life = Duration.between(from, cert.getNotAfter().toInstant());
    return from.plusMillis((long) (life.toMillis() * RENEW_AT));
  }

  /**
   * Renews the kubeconfig's agent certificate when it is due at {@code now}; true when a new one
   * was written. A kubeconfig without a client certificate (a token) is left alone.
   *
   * @param cluster the agent's cluster, whose identity the new certificate carries
   * @param timeout how long to wait for the request to be approved and signed
   */
  public static boolean renewIfDue(Path kubeconfig, String cluster, Instant now, Duration timeout)
      throws IOException, InterruptedException {
    Optional<X509Certificate> current = certificate(kubeconfig);
    if (current.isEmpty() || now.isBefore(renewalTime(current.get()))) {
      return false;
    }
    X509Certificate old = current.get();
    Config config =
        Config.fromKubeconfig(null, Files.readString(kubeconfig), kubeconfig.toString());
    long lifetime =
        Duration.between(old.getNotBefore().toInstant(), old.getNotAfter().toInstant()).toSeconds();
    KeyPair key = BootstrapJoin.newKey();
    String certificate;
    try (KubernetesClient client = Fabric8Clients.build(config)) {
      certificate =
          BootstrapJoin.requestCertificate(
              client,
              cluster + "-" + BootstrapJoin.suffix(),
              cluster,
              key,
              Math.max(600, lifetime),
              timeout);
    }
    String caPem =
        new String(Base64.getDecoder().decode(config.getCaCertData()), StandardCharsets.US_ASCII);
    BootstrapJoin.writeKubeconfig(
        kubeconfig,
        config.getMasterUrl().replaceAll("/$", ""),
        caPem,
        new String(Base64.getDecoder().decode(certificate), StandardCharsets.US_ASCII),
        BootstrapJoin.pem("PRIVATE KEY", key.getPrivate().getEncoded()));
    return true;
  }
}
