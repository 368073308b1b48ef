package dev.flotilla.apiserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.apiserver.HubConfig;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Secrets encrypted at rest with kube-apiserver's EncryptionConfiguration: the raw SQLite files
 * never hold a Secret's value, a restart reads them back, Secrets stored before encryption stay
 * readable (and are encrypted when next written), and a hub without the key refuses to start with
 * an actionable message rather than serve garbage.
 */
class EncryptionAtRestIT {
  private static final String VALUE = "tr0ub4dor-and-3-fish";

  private static Path writeConfig(Path dir) throws IOException {
    byte[] key = new byte[32];
    new java.security.SecureRandom().nextBytes(key);
    Path file = dir.resolve("encryption.yaml");
    Files.writeString(
        file,
        "apiVersion: apiserver.config.k8s.io/v1\n"
            + "kind: EncryptionConfiguration\n"
            + "resources:\n"
            + "- resources: [secrets]\n"
            + "  providers:\n"
            + "  - aesgcm:\n"
            + "      keys:\n"
            + "      - name: key1\n"
            + "        secret: "
            + Base64.getEncoder().encodeToString(key)
            + "\n"
            + "  - identity: {}\n");
    return file;
  }

  private static TestHub start(Path dataDir, Optional<Path> encryption) {
    return TestHub.start(
        HubConfig.of(dataDir, 0)
            .withSecurity(new HubConfig.Security(Optional.empty(), encryption)));
  }

  /** Every byte the store has on disk: the database, its WAL and shared memory. */
  private static String rawStore(Path dataDir) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    try (Stream<Path> files = Files.list(dataDir.resolve("store"))) {
      for (Path f : files.toList()) {
        all.write(Files.readAllBytes(f));
      }
    }
    return all.toString(StandardCharsets.ISO_8859_1);
  }

  private static Secret secret(String name) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withData(
            Map.of(
                "password",
                Base64.getEncoder().encodeToString(VALUE.getBytes(StandardCharsets.UTF_8))))
        .build();
  }

  private static String password(KubernetesClient c, String name) {
    return new String(
        Base64.getDecoder()
            .decode(
                c.secrets().inNamespace("default").withName(name).get().getData().get("password")),
        StandardCharsets.UTF_8);
  }

  @Test
  void secretsNeverReachTheDiskInTheClear() throws Exception {
    Path dir = Files.createTempDirectory("flotilla-enc");
    Path config = writeConfig(dir);
    String encoded = Base64.getEncoder().encodeToString(VALUE.getBytes(StandardCharsets.UTF_8));
    try (TestHub hub = start(dir.resolve("data"), Optional.of(config));
        KubernetesClient c = hub.client()) {
      c.secrets().inNamespace("default").resource(secret("vault")).create();
      c.configMaps()
          .inNamespace("default")
          .resource(
              new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                  .withNewMetadata()
                  .withName("plain")
                  .endMetadata()
                  .withData(Map.of("note", "visible-on-disk"))
                  .build())
          .create();
      assertEquals(VALUE, password(c, "vault"));
      String raw = rawStore(dir.resolve("data"));
      assertFalse(raw.contains(encoded), "the Secret's data is on disk in the clear");
      assertFalse(raw.contains(VALUE));
      assertTrue(raw.contains("k8s:enc:aesgcm:v1:key1:"), "the Secret is stored encrypted");
      // Only what the configuration names is encrypted (the control for this test).
      assertTrue(raw.contains("visible-on-disk"));
      c.secrets().inNamespace("default").withName("vault").delete();
    }
    assertFalse(rawStore(dir.resolve("data")).contains(encoded), "the tombstone leaked it");
    try (TestHub hub = start(dir.resolve("data"), Optional.of(config));
        KubernetesClient c = hub.client()) {
      c.secrets().inNamespace("default").resource(secret("again")).create();
    }
    try (TestHub hub = start(dir.resolve("data"), Optional.of(config));
        KubernetesClient c = hub.client()) {
      assertEquals(VALUE, password(c, "again"), "read back after a restart");
    }
  }

  @Test
  void existingSecretsStayReadableAndTheKeyIsNeeded() throws Exception {
    Path dir = Files.createTempDirectory("flotilla-enc");
    Path data = dir.resolve("data");
    try (TestHub hub = start(data, Optional.empty());
        KubernetesClient c = hub.client()) {
      c.secrets().inNamespace("default").resource(secret("before")).create();
    }
    Path config = writeConfig(dir);
    try (TestHub hub = start(data, Optional.of(config));
        KubernetesClient c = hub.client()) {
      assertEquals(VALUE, password(c, "before"), "stored in the clear, still readable");
      c.secrets()
          .inNamespace("default")
          .withName("before")
          .edit(
              s ->
                  new SecretBuilder(s)
                      .editMetadata()
                      .addToLabels("rewritten", "yes")
                      .endMetadata()
                      .build());
      c.secrets().inNamespace("default").resource(secret("after")).create();
    }
    IllegalStateException refused =
        assertThrows(IllegalStateException.class, () -> start(data, Optional.empty()).close());
    String message = String.valueOf(refused.getMessage()) + " " + refused.getCause();
    assertTrue(message.contains("k8s:enc:aesgcm:v1:key1:"), message);
    assertTrue(message.contains("add that key back"), message);
  }
}
