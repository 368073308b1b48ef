package dev.flotilla.apiserver.encryption;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The providers' stored forms: NaCl's published secretbox vector, round trips, tampering. */
class ProvidersTest {
  private static byte[] filled(int n, int value) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) value);
    return b;
  }

  @Test
  void secretboxMatchesNaCl() throws Exception {
    // The vector Go's x/crypto secretbox tests check against NaCl's C implementation.
    byte[] box = Providers.SecretBox.seal(filled(32, 1), filled(24, 2), filled(64, 3));
    assertEquals(
        "8442bc313f4626f1359e3b50122b6ce6fe66ddfe7d39d14e637eb4fd5b45beadab55198df6ab5368439792a2"
            + "3c87db70acb6156dc5ef957ac04f6276cf6093b84be77ff0849cc33e34b7254d5a8f65ad",
        HexFormat.of().formatHex(box));
    assertArrayEquals(filled(64, 3), Providers.SecretBox.open(filled(32, 1), filled(24, 2), box));
  }

  @Test
  void eachProviderRoundTripsAndRefusesTampering() throws Exception {
    byte[] plain =
        "{\"kind\":\"Secret\",\"data\":{\"p\":\"c2VjcmV0\"}}".getBytes(StandardCharsets.UTF_8);
    for (Providers.Provider p :
        List.of(
            new Providers.AesGcm("k1", filled(32, 7)),
            new Providers.AesCbc("k1", filled(32, 7)),
            new Providers.SecretBox("k1", filled(32, 7)))) {
      byte[] sealed = p.seal(plain, "/registry/core/secrets/ns/a");
      assertArrayEquals(plain, p.open(sealed, "/registry/core/secrets/ns/a"), p.toString());
      if (!(p instanceof Providers.AesCbc)) { // CBC has no integrity, as upstream's aescbc
        byte[] tampered = sealed.clone();
        tampered[tampered.length - 1] ^= 1;
        assertThrows(
            GeneralSecurityException.class, () -> p.open(tampered, "/registry/core/secrets/ns/a"));
      }
    }
    Providers.AesGcm gcm = new Providers.AesGcm("k1", filled(16, 9));
    byte[] sealed = gcm.seal(plain, "/registry/core/secrets/ns/a");
    // The storage key is authenticated: a value moved to another key does not open.
    assertThrows(
        GeneralSecurityException.class, () -> gcm.open(sealed, "/registry/core/secrets/ns/b"));
    assertEquals("k8s:enc:aesgcm:v1:k1:", new String(gcm.prefix(), StandardCharsets.US_ASCII));
  }
}
