package dev.flotilla.apiserver.auth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.controllers.StoreDrivenController;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.objects.DeleteOptions;
import dev.flotilla.apiserver.objects.Meta;
import dev.flotilla.apiserver.objects.ResourceStorage;
import dev.flotilla.apiserver.registry.ResourceType;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;

/**
 * kube-controller-manager's {@code tokencleaner}: deletes bootstrap-token Secrets ({@value
 * BootstrapTokens#NAMESPACE}/{@code bootstrap-token-*} of type {@value
 * BootstrapTokens#SECRET_TYPE}) once their {@code expiration} has passed, or at once when it is
 * unparsable, as upstream treats it as expired; a token with time left is looked at again when it
 * runs out. (An expired token already authenticates no one; this keeps kube-system clean.)
 */
public final class BootstrapTokenCleaner extends StoreDrivenController {
  public static final String NAME = "tokencleaner";

  private final ResourceType secrets;
  private final Clock clock;

  public BootstrapTokenCleaner(ResourceStorage storage, Clock clock) {
    super(storage, NAME);
    this.clock = clock;
    this.secrets = storage.registry().find("", "v1", "secrets").orElseThrow();
  }

  public void start() {
    follow(
        secrets,
        BootstrapTokens.NAMESPACE,
        true,
        (name, event) ->
            name.startsWith(BootstrapTokens.SECRET_PREFIX) ? PUTS.key(name, event) : null);
  }

  @Override
  protected long reconcile(String name) {
    ObjectNode secret = storage.find(secrets, BootstrapTokens.NAMESPACE, name).orElse(null);
    if (secret == null
        || Meta.isDeleting(secret)
        || !BootstrapTokens.SECRET_TYPE.equals(secret.path("type").asText())) {
      return -1;
    }
    Duration left = timeLeft(secret, clock.instant());
    if (left == null) {
      return -1;
    }
    if (!left.isZero()) {
      return Math.max(1, left.toMillis());
    }
    try {
      String uid = Meta.metadata(secret).path("uid").asText(null);
      storage
          .delete(
              secrets, BootstrapTokens.NAMESPACE, name, new DeleteOptions(null, uid, null, false))
          .join();
    } catch (RuntimeException e) {
      RuntimeException cause = ResourceStorage.unwrap(e);
      // Gone already, or replaced by a new token of the same name (the uid precondition).
      if (!(cause instanceof ApiException api) || (api.code() != 404 && api.code() != 409)) {
        throw cause;
      }
    }
    return -1;
  }

  /**
   * How long {@code secret}'s token has left at {@code now}: null when it never expires, zero when
   * it has expired or its expiration is unparsable (upstream's GetExpiration).
   */
  static Duration timeLeft(ObjectNode secret, Instant now) {
    String b64 = secret.path("data").path("expiration").asText("");
    if (b64.isEmpty()) {
      return null;
    }
    try {
      Instant expires =
          Instant.parse(new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8));
      Duration left = Duration.between(now, expires);
      return left.isNegative() || left.isZero() ? Duration.ZERO : left;
    } catch (IllegalArgumentException | DateTimeParseException e) {
      return Duration.ZERO;
    }
  }
}
