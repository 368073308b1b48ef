package dev.flotilla.cli;

import dev.flotilla.apiserver.auth.AgentTokens;
import dev.flotilla.apiserver.objects.Json;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.security.SecureRandom;
import java.util.Base64;

/** Issues a member agent's hub credential: its execution namespace and a hashed token Secret. */
public final class AgentCredentials {
  private AgentCredentials() {}

  /** Returns a fresh token for {@code cluster}, replacing any earlier one. */
  public static String issue(KubernetesClient hub, String cluster) throws Exception {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    String es = "karmada-es-" + cluster;
    try {
      hub.namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(es).endMetadata().build())
          .create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
    Secret secret = Json.MAPPER.treeToValue(AgentTokens.secretFor(cluster, token), Secret.class);
    hub.secrets().inNamespace(AgentTokens.NAMESPACE).resource(secret).createOr(s -> s.update());
    return token;
  }
}
