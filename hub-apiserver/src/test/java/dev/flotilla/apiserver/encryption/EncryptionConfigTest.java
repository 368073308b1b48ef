package dev.flotilla.apiserver.encryption;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which resources a configuration encrypts, how old values read, and what it refuses. */
class EncryptionConfigTest {
  private static final String K32 = Base64.getEncoder().encodeToString(new byte[32]);
  private static final String K16 = Base64.getEncoder().encodeToString(new byte[16]);

  private static EncryptionConfig config(String resources) {
    return EncryptionConfig.parse(
        "enc.yaml",
        ("apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n"
                + resources)
            .getBytes(StandardCharsets.UTF_8));
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.ISO_8859_1);
  }

  @Test
  void firstMatchingEntryEncryptsAndEveryListedKeyReads() {
    EncryptionConfig c =
        config(
            "- resources: [secrets]\n  providers:\n  - aesgcm: {keys: [{name: new, secret: "
                + K16
                + "}]}\n  - secretbox: {keys: [{name: old, secret: "
                + K32
                + "}]}\n  - identity: {}\n"
                + "- resources: ['*.apps']\n  providers:\n  - secretbox: {keys: [{name: k, secret: "
                + K32
                + "}]}\n");
    byte[] plain = "{\"data\":{}}".getBytes(StandardCharsets.UTF_8);
    String key = "/registry/core/secrets/ns/s";
    byte[] stored = c.toStorage(key, plain);
    assertTrue(text(stored).startsWith("k8s:enc:aesgcm:v1:new:"), text(stored));
    assertArrayEquals(plain, c.fromStorage(key, stored));
    assertTrue(
        text(c.toStorage("/registry/apps/deployments/ns/d", plain))
            .startsWith("k8s:enc:secretbox:v1:k:"));
    assertArrayEquals(plain, c.toStorage("/registry/core/configmaps/ns/c", plain));
    // Values written before encryption (plain JSON) still read.
    assertArrayEquals(plain, c.fromStorage(key, plain));

    EncryptionConfig older =
        config(
            "- resources: [secrets]\n  providers:\n  - secretbox: {keys: [{name: old, secret: "
                + K32
                + "}]}\n");
    byte[] byOld = older.toStorage(key, plain);
    assertArrayEquals(plain, c.fromStorage(key, byOld), "a later provider still reads");
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> older.fromStorage(key, stored));
    assertTrue(e.getMessage().contains("k8s:enc:aesgcm:v1:new:"), e.getMessage());
    assertTrue(e.getMessage().contains("add that key back"), e.getMessage());
  }

  @Test
  void wildcardsMatchAsUpstream() {
    EncryptionConfig all =
        config(
            "- resources: ['*.*']\n  providers:\n  - aescbc: {keys: [{name: k, secret: "
                + K32
                + "}]}\n");
    byte[] plain = "{}".getBytes(StandardCharsets.UTF_8);
    assertTrue(
        text(all.toStorage("/registry/core/configmaps/a/b", plain)).startsWith("k8s:enc:aescbc"));
    assertTrue(
        text(all.toStorage("/registry/work.karmada.io/works/a/b", plain))
            .startsWith("k8s:enc:aescbc"));
    EncryptionConfig core =
        config(
            "- resources: ['*.']\n  providers:\n  - aescbc: {keys: [{name: k, secret: "
                + K32
                + "}]}\n");
    assertTrue(text(core.toStorage("/registry/core/configmaps/a/b", plain)).startsWith("k8s:enc:"));
    assertFalse(
        text(core.toStorage("/registry/apps/deployments/a/b", plain)).startsWith("k8s:enc:"));
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of(
            "- resources: [secrets]\n  providers:\n  - aesgcm: {keys: [{name: k, secret: "
                + Base64.getEncoder().encodeToString(new byte[10])
                + "}]}\n",
            "secret is not of the expected length, got 10, expected one of [16, 24, 32]"),
        Arguments.of(
            "- resources: [secrets]\n  providers:\n  - secretbox: {keys: [{name: k, secret: "
                + K16
                + "}]}\n",
            "expected one of [32]"),
        Arguments.of(
            "- resources: [secrets]\n  providers:\n  - kms: {name: vault}\n",
            "provider \"kms\" is not supported"),
        Arguments.of(
            "- resources: [secrets]\n  providers:\n  - aesgcm: {keys: [{name: k, secret: "
                + K16
                + "}]}\n    identity: {}\n",
            "exactly one provider type"),
        Arguments.of("- resources: [secrets]\n  provider: []\n", "unknown field \"provider\""),
        Arguments.of(
            "- resources: [secrets]\n  providers:\n  - aesgcm: {keys: [{name: a, secret: "
                + K16
                + "}, {name: a, secret: "
                + K16
                + "}]}\n",
            "names must be unique"),
        Arguments.of(
            "- resources: []\n  providers: [{identity: {}}]\n", "resources: Required value"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("invalid")
  void badConfigurationsAreRefused(String resources, String message) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> config(resources));
    assertTrue(e.getMessage().contains(message), e.getMessage());
    assertTrue(e.getMessage().contains("enc.yaml"), e.getMessage());
  }
}
