package dev.flotilla.store.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.apiserver.auth.CertificateAuthority;
import dev.flotilla.apiserver.storage.ValueTransformer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --etcd-cafile}, {@code --etcd-certfile} and {@code --etcd-keyfile} take effect: against an
 * etcd that serves TLS and requires client certificates, the store works with them and cannot
 * connect without the client pair.
 */
class EtcdTlsTest {
  @TempDir Path dir;

  @Test
  void theStoreReachesAnEtcdThatRequiresClientCertificates() throws Exception {
    EtcdTests.requireEtcd();
    CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir.resolve("pki"), List.of());
    CertificateAuthority.ClientCredential client =
        ca.issueClientCertificate("flotilla-hub", List.of(), Duration.ofDays(1));
    Path clientCert = Files.writeString(dir.resolve("client.crt"), client.certificatePem());
    Path clientKey = Files.writeString(dir.resolve("client.key"), client.keyPem());
    LocalEtcd.Tls tls =
        new LocalEtcd.Tls(
            ca.caCertPath(), ca.serverCertPath(), ca.serverKeyPath(), clientCert, clientKey);
    try (LocalEtcd etcd = LocalEtcd.start(dir.resolve("etcd"), 1, tls)) {
      assertTrue(etcd.servers().startsWith("https://"), etcd.servers());
      try (EtcdStore store = EtcdStore.open(etcd.connection("/tls"), ValueTransformer.IDENTITY)) {
        long rev =
            store
                .create("/k", r -> "{}".getBytes(StandardCharsets.UTF_8))
                .join()
                .kv()
                .modRevision();
        assertEquals(rev, store.get("/k").orElseThrow().modRevision());
      }
      EtcdConnection caOnly =
          new EtcdConnection(
              EtcdConnection.parseServers(etcd.servers()),
              Optional.of(ca.caCertPath()),
              Optional.empty(),
              Optional.empty(),
              "/tls");
      assertThrows(RuntimeException.class, () -> EtcdStore.open(caOnly).close());
    }
  }
}
