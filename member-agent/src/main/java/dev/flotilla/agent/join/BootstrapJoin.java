package dev.flotilla.agent.join;

import dev.flotilla.agent.kube.Fabric8Clients;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestBuilder;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestCondition;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * An agent's bootstrap-token join, as {@code karmadactl register} does it: trust the hub's CA only
 * when it matches the pinned hash, authenticate with the bootstrap token, post a CSR for {@code
 * CN=system:karmada:agent:<cluster>, O=system:karmada:agents} to the kube-apiserver-client signer,
 * wait until it is approved (the hub's agent CSR approver, or {@code kubectl certificate approve})
 * and signed, and write a kubeconfig holding the issued certificate and its key. The token is used
 * for nothing else.
 */
public final class BootstrapJoin {
  public static final String SIGNER = "kubernetes.io/kube-apiserver-client";
  public static final String USER_PREFIX = "system:karmada:agent:";
  public static final String GROUP = "system:karmada:agents";

  /** Karmada's default --cert-expiration-seconds: one year. */
  public static final long DEFAULT_EXPIRATION_SECONDS = 86400L * 365;

  /**
   * What a join needs.
   *
   * @param endpoint the hub, {@code host:port} or {@code https://host:port}
   * @param token the bootstrap token {@code <id>.<secret>}
   * @param caCertHashes pins, {@code sha256:<hex>}
   * @param cluster the cluster name the agent registers as
   * @param expirationSeconds the certificate's asked lifetime
   * @param timeout how long to wait for approval and signing
   */
  public record Request(
      String endpoint,
      String token,
      List<String> caCertHashes,
      String cluster,
      long expirationSeconds,
      Duration timeout) {}

  private BootstrapJoin() {}

  /** Joins and writes the agent's hub kubeconfig (mode 0600) to {@code output}. */
  public static void join(Request r, Path output) throws IOException, InterruptedException {
    URI hub = URI.create(r.endpoint().contains("://") ? r.endpoint() : "https://" + r.endpoint());
    int port = hub.getPort() < 0 ? 443 : hub.getPort();
    X509Certificate ca = CaPin.discover(hub.getHost(), port, r.caCertHashes());
    String caPem = pem("CERTIFICATE", encoded(ca));
    String server = "https://" + hub.getHost() + ":" + port;
    KeyPair key = newKey();
    String name = r.cluster() + "-" + suffix();
    try (KubernetesClient client =
        Fabric8Clients.build(
            new ConfigBuilder()
                .withMasterUrl(server)
                .withCaCertData(b64(caPem))
                .withOauthToken(r.token())
                .withRequestTimeout(30_000)
                .build())) {
      String certificate =
          requestCertificate(client, name, r.cluster(), key, r.expirationSeconds(), r.timeout());
      writeKubeconfig(
          output,
          server,
          caPem,
          new String(Base64.getDecoder().decode(certificate), StandardCharsets.US_ASCII),
          pem("PRIVATE KEY", key.getPrivate().getEncoded()));
    }
  }

  /**
   * Posts a CSR {@code name} for the agent identity of {@code cluster} with {@code key} and returns
   * the signed certificate (base64 PEM) once issued.
   */
  static String requestCertificate(
      KubernetesClient client,
      String name,
      String cluster,
      KeyPair key,
      long expirationSeconds,
      Duration timeout)
      throws InterruptedException {
    client
        .certificates()
        .v1()
        .certificateSigningRequests()
        .resource(
            new CertificateSigningRequestBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withRequest(b64(csr(cluster, key)))
                .withSignerName(SIGNER)
                .withExpirationSeconds((int) Math.min(Integer.MAX_VALUE, expirationSeconds))
                .withUsages("digital signature", "key encipherment", "client auth")
                .endSpec()
                .build())
        .create();
    return awaitCertificate(client, name, timeout);
  }

  private static String awaitCertificate(KubernetesClient client, String name, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      CertificateSigningRequest csr =
          client.certificates().v1().certificateSigningRequests().withName(name).get();
      if (csr == null) {
        throw new IllegalStateException("the CSR " + name + " was deleted before it was signed");
      }
      if (csr.getStatus() != null) {
        if (csr.getStatus().getCertificate() != null
            && !csr.getStatus().getCertificate().isEmpty()) {
          return csr.getStatus().getCertificate();
        }
        for (CertificateSigningRequestCondition c : csr.getStatus().getConditions()) {
          if ("Denied".equals(c.getType()) || "Failed".equals(c.getType())) {
            throw new IllegalStateException(
                "the CSR "
                    + name
                    + " was "
                    + c.getType().toLowerCase(Locale.ROOT)
                    + ": "
                    + c.getMessage());
          }
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the CSR "
                + name
                + " was not signed within "
                + timeout.toSeconds()
                + "s; an administrator can approve it: kubectl certificate approve "
                + name);
      }
      Thread.sleep(500);
    }
  }

  /** A PKCS#10 request for the agent identity, PEM. */
  static String csr(String cluster, KeyPair key) {
    try {
      X500NameBuilder subject = new X500NameBuilder(BCStyle.INSTANCE);
      subject.addRDN(BCStyle.O, GROUP);
      subject.addRDN(BCStyle.CN, USER_PREFIX + cluster);
      byte[] der =
          new JcaPKCS10CertificationRequestBuilder(subject.build(), key.getPublic())
              .build(new JcaContentSignerBuilder("SHA256withRSA").build(key.getPrivate()))
              .getEncoded();
      return pem("CERTIFICATE REQUEST", der);
    } catch (OperatorCreationException | IOException e) {
      throw new IllegalStateException("cannot build the certificate request: " + e, e);
    }
  }

  static KeyPair newKey() {
    try {
      // RSA as karmadactl register: fabric8's kubeconfig loader reads PKCS#8 RSA keys, not EC.
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static void writeKubeconfig(Path file, String server, String caPem, String certPem, String keyPem)
      throws IOException {
    String yaml =
        "apiVersion: v1\nkind: Config\nclusters:\n- name: flotilla\n  cluster:\n    server: "
            + server
            + "\n    certificate-authority-data: "
            + b64(caPem)
            + "\nusers:\n- name: agent\n  user:\n    client-certificate-data: "
            + b64(certPem)
            + "\n    client-key-data: "
            + b64(keyPem)
            + "\ncontexts:\n- name: flotilla\n  context:\n    cluster: flotilla\n    user: agent\n"
            + "current-context: flotilla\n";
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    Path tmp = Files.createTempFile(dir, ".kubeconfig", ".tmp");
    try {
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: the directory's protection applies
    }
    Files.writeString(tmp, yaml);
    Files.move(
        tmp,
        file,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  private static byte[] encoded(X509Certificate c) {
    try {
      return c.getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static String suffix() {
    String alphabet = "bcdfghjklmnpqrstvwxz2456789";
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      b.append(alphabet.charAt(ThreadLocalRandom.current().nextInt(alphabet.length())));
    }
    return b.toString();
  }

  static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.US_ASCII));
  }
}
