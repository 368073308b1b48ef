package dev.flotilla.apiserver.it;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.flotilla.apiserver.auth.BootstrapTokens;
import dev.flotilla.apiserver.objects.Json;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The hub's tokencleaner deletes expired bootstrap-token Secrets, as kube-controller-manager's
 * does, and leaves live tokens and other Secrets alone; a deleted token authenticates no one.
 */
class BootstrapTokenCleanerIT {
  @RegisterExtension static final Fabric8Hub RIG = Fabric8Hub.plain();

  private static void create(String token, Instant expires) throws Exception {
    RIG.admin()
        .secrets()
        .inNamespace(BootstrapTokens.NAMESPACE)
        .resource(
            Json.MAPPER.treeToValue(
                BootstrapTokens.secretFor(token, expires, List.of(), "test"), Secret.class))
        .create();
  }

  private static Secret get(String name) {
    return RIG.admin().secrets().inNamespace(BootstrapTokens.NAMESPACE).withName(name).get();
  }

  @Test
  void expiredTokensAreDeletedAndLiveOnesKept() throws Exception {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    create("live01.0123456789abcdef", now.plus(1, ChronoUnit.DAYS));
    create("never1.0123456789abcdef", null);
    // Not a bootstrap token, though named and dated like one.
    RIG.admin()
        .secrets()
        .inNamespace(BootstrapTokens.NAMESPACE)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("bootstrap-token-other1")
                .endMetadata()
                .addToStringData("expiration", now.minusSeconds(3600).toString())
                .build())
        .create();
    String soon = "soon01.0123456789abcdef";
    create(soon, now.plusSeconds(3));
    create("gone01.0123456789abcdef", now.minusSeconds(3600));

    Fabric8Support.await(
        "the expired token's Secret deleted", () -> get("bootstrap-token-gone01") == null);
    Fabric8Support.await(
        "the token that expired meanwhile deleted", () -> get("bootstrap-token-soon01") == null);
    try (KubernetesClient expired = RIG.hub().client(soon)) {
      Fabric8Support.fails(401, () -> expired.namespaces().list());
    }
    assertNotNull(get("bootstrap-token-live01"));
    assertNotNull(get("bootstrap-token-never1"));
    assertNotNull(get("bootstrap-token-other1"));
    try (KubernetesClient live = RIG.hub().client("live01.0123456789abcdef")) {
      // Authenticated (403, not 401): the live token still works.
      Fabric8Support.fails(403, () -> live.namespaces().list());
    }
  }
}
