package dev.flotilla.apiserver.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bootstrap tokens stop authenticating at their expiration; the cleaner reads it as upstream. */
class BootstrapTokensTest {
  private static final String TOKEN = "abcdef.0123456789abcdef";
  private static final Instant EXPIRES = Instant.parse("2030-01-01T00:00:00Z");

  /** The Secret as stored: stringData moved to base64 data, as the API server does. */
  private static ObjectNode stored(Instant expires) {
    ObjectNode secret = BootstrapTokens.secretFor(TOKEN, expires, List.of(), "");
    ObjectNode data = secret.putObject("data");
    secret
        .remove("stringData")
        .fields()
        .forEachRemaining(
            e ->
                data.put(
                    e.getKey(),
                    Base64.getEncoder()
                        .encodeToString(e.getValue().asText().getBytes(StandardCharsets.UTF_8))));
    return secret;
  }

  @Test
  void anExpiredTokenAuthenticatesNoOne() {
    BootstrapTokens tokens = new BootstrapTokens();
    tokens.index("bootstrap-token-abcdef", stored(EXPIRES), false);
    assertEquals(
        "system:bootstrap:abcdef",
        tokens.lookup(TOKEN, EXPIRES.minusSeconds(1)).orElseThrow().name());
    assertTrue(tokens.lookup(TOKEN, EXPIRES).isEmpty(), "at its expiration");
    assertTrue(tokens.lookup(TOKEN, EXPIRES.plusSeconds(1)).isEmpty(), "after it");
  }

  @Test
  void timeLeftIsUpstreamsGetExpiration() {
    assertNull(BootstrapTokenCleaner.timeLeft(stored(null), EXPIRES), "never expires");
    assertEquals(
        Duration.ofSeconds(5),
        BootstrapTokenCleaner.timeLeft(stored(EXPIRES), EXPIRES.minusSeconds(5)));
    assertEquals(Duration.ZERO, BootstrapTokenCleaner.timeLeft(stored(EXPIRES), EXPIRES));
    ObjectNode garbled = stored(EXPIRES);
    garbled
        .with("data")
        .put(
            "expiration",
            Base64.getEncoder().encodeToString("soon".getBytes(StandardCharsets.UTF_8)));
    assertEquals(Duration.ZERO, BootstrapTokenCleaner.timeLeft(garbled, EXPIRES.minusSeconds(60)));
  }
}
