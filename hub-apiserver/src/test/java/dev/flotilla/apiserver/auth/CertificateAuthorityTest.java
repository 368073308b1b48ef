package dev.flotilla.apiserver.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateAuthorityTest {
  @TempDir Path dir;

  private static X509Certificate cert(Path p) throws Exception {
    return (X509Certificate)
        CertificateFactory.getInstance("X.509")
            .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(p)));
  }

  private static Set<String> sans(X509Certificate c) throws Exception {
    Set<String> out = new HashSet<>();
    for (List<?> san : c.getSubjectAlternativeNames()) {
      String v = String.valueOf(san.get(1));
      out.add((Integer) san.get(0) == 7 ? InetAddress.getByName(v).getHostAddress() : v);
    }
    return out;
  }

  @Test
  void createsCaAndServingCertificate() throws Exception {
    CertificateAuthority ca =
        CertificateAuthority.loadOrCreate(dir, List.of("hub.example", "10.1.2.3"));
    assertEquals(dir.resolve("pki/ca.crt"), ca.caCertPath());
    for (String f : List.of("ca.crt", "ca.key", "server.crt", "server.key")) {
      assertTrue(Files.exists(dir.resolve("pki").resolve(f)), f);
    }
    if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      assertEquals(
          "rw-------",
          PosixFilePermissions.toString(Files.getPosixFilePermissions(ca.serverKeyPath())));
      assertEquals(
          "rw-------",
          PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("pki/ca.key"))));
    }
    X509Certificate caCert = cert(ca.caCertPath());
    X509Certificate srv = cert(ca.serverCertPath());
    assertEquals("CN=flotilla-ca", caCert.getSubjectX500Principal().getName());
    assertTrue(caCert.getBasicConstraints() >= 0, "CA flag set");
    caCert.verify(caCert.getPublicKey());
    srv.verify(caCert.getPublicKey());
    assertEquals(caCert.getSubjectX500Principal(), srv.getIssuerX500Principal());
    assertEquals(-1, srv.getBasicConstraints());
    assertTrue(srv.getExtendedKeyUsage().contains("1.3.6.1.5.5.7.3.1"), "serverAuth EKU");
    assertEquals(
        Set.of(
            "localhost",
            "127.0.0.1",
            InetAddress.getByName("::1").getHostAddress(),
            "hub.example",
            "10.1.2.3"),
        sans(srv));
    assertTrue(caCert.getNotAfter().getTime() - System.currentTimeMillis() > 9L * 365 * 86400_000);
    assertTrue(srv.getNotAfter().getTime() - System.currentTimeMillis() < 366L * 86400_000);
    assertTrue(ca.caCertPem().startsWith("-----BEGIN CERTIFICATE-----"));
  }

  @Test
  void reloadsAndReissuesOnlyTheServingCertificateWhenSansGrow() throws Exception {
    CertificateAuthority first = CertificateAuthority.loadOrCreate(dir, List.of("hub.example"));
    byte[] srv1 = Files.readAllBytes(first.serverCertPath());
    byte[] caKey1 = Files.readAllBytes(dir.resolve("pki/ca.key"));

    CertificateAuthority again =
        CertificateAuthority.loadOrCreate(dir, List.of("HUB.example", "localhost"));
    assertEquals(first.caCertPem(), again.caCertPem());
    assertArrayEquals(srv1, Files.readAllBytes(again.serverCertPath()), "covered SANs: reuse");

    CertificateAuthority grown =
        CertificateAuthority.loadOrCreate(dir, List.of("other.example", "0:0:0:0:0:0:0:1"));
    assertEquals(first.caCertPem(), grown.caCertPem());
    assertArrayEquals(caKey1, Files.readAllBytes(dir.resolve("pki/ca.key")));
    assertFalse(java.util.Arrays.equals(srv1, Files.readAllBytes(grown.serverCertPath())));
    X509Certificate srv = cert(grown.serverCertPath());
    srv.verify(cert(grown.caCertPath()).getPublicKey());
    assertTrue(sans(srv).contains("other.example"));
  }

  @Test
  void reissuesACorruptServingCertificateButRefusesAHalfMissingCa() throws Exception {
    CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir, List.of());
    Files.writeString(ca.serverCertPath(), "garbage");
    CertificateAuthority again = CertificateAuthority.loadOrCreate(dir, List.of());
    cert(again.serverCertPath()).verify(cert(again.caCertPath()).getPublicKey());

    Files.delete(dir.resolve("pki/ca.key"));
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> CertificateAuthority.loadOrCreate(dir, List.of()));
    assertTrue(e.getMessage().contains("ca.key"), e.getMessage());
  }

  /**
   * The files work as they will be used: Vert.x serves with them and a client trusting only the CA
   * connects.
   */
  @Test
  void vertxServesTlsThatAClientTrustingTheCaAccepts() throws Exception {
    CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir, List.of());
    Vertx vertx = Vertx.vertx();
    try {
      HttpServer server =
          vertx
              .createHttpServer(
                  new HttpServerOptions()
                      .setSsl(true)
                      .setKeyCertOptions(
                          new PemKeyCertOptions()
                              .setCertPath(ca.serverCertPath().toString())
                              .setKeyPath(ca.serverKeyPath().toString())))
              .requestHandler(req -> req.response().end("ok"))
              .listen(0, "127.0.0.1")
              .toCompletionStage()
              .toCompletableFuture()
              .get(20, TimeUnit.SECONDS);
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", cert(ca.caCertPath()));
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, tmf.getTrustManagers(), null);
      HttpClient client = HttpClient.newBuilder().sslContext(ssl).build();
      for (String host : List.of("localhost", "127.0.0.1")) {
        HttpResponse<String> r =
            client.send(
                HttpRequest.newBuilder(
                        URI.create("https://" + host + ":" + server.actualPort() + "/"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals("ok", r.body());
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
  }
}
