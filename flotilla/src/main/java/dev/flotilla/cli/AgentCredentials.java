package dev.flotilla.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.auth.AgentTokens;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.policies.names.Names;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;

/** Issues a member agent's hub credential: its execution namespace and a hashed token Secret. */
public final class AgentCredentials {
  private AgentCredentials() {}

  /** Thrown when a cluster already has a token and the caller did not ask to rotate it. */
  public static final class AlreadyIssued extends Exception {
    AlreadyIssued(String message) {
      super(message);
    }
  }

  /**
   * Returns a fresh token for {@code cluster}, replacing any earlier one at once: for agents the
   * launcher runs itself (simulated members), which it restarts with the new token.
   */
  public static String issue(KubernetesClient hub, String cluster) throws Exception {
    String token = newToken();
    ensureExecutionNamespace(hub, cluster);
    Secret secret = Json.MAPPER.treeToValue(AgentTokens.secretFor(cluster, token), Secret.class);
    hub.secrets().inNamespace(AgentTokens.NAMESPACE).resource(secret).createOr(s -> s.update());
    return token;
  }

  /**
   * Returns the first token of {@code cluster}.
   *
   * @throws AlreadyIssued when the cluster has one: replacing it would cut off its running agent
   */
  public static String create(KubernetesClient hub, String cluster) throws Exception {
    String token = newToken();
    ensureExecutionNamespace(hub, cluster);
    Secret secret = Json.MAPPER.treeToValue(AgentTokens.secretFor(cluster, token), Secret.class);
    try {
      hub.secrets().inNamespace(AgentTokens.NAMESPACE).resource(secret).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      throw new AlreadyIssued(
          "cluster \""
              + cluster
              + "\" already has an agent token (Secret "
              + AgentTokens.NAMESPACE
              + "/"
              + AgentTokens.SECRET_PREFIX
              + cluster
              + "); replacing it would cut off its running agent. Pass --rotate to issue a new"
              + " one while the old one stays valid for --grace-period, or run 'flotilla"
              + " agent-token revoke "
              + cluster
              + "' first");
    }
    return token;
  }

  /**
   * Returns a new token for {@code cluster}; the one it replaces stays valid for {@code grace}
   * (creates the first token when there is none).
   */
  public static String rotate(KubernetesClient hub, String cluster, Duration grace)
      throws Exception {
    Secret current =
        hub.secrets()
            .inNamespace(AgentTokens.NAMESPACE)
            .withName(AgentTokens.SECRET_PREFIX + cluster)
            .get();
    if (current == null) {
      return create(hub, cluster);
    }
    String token = newToken();
    ObjectNode rotated = AgentTokens.rotatedSecret(Json.MAPPER.valueToTree(current), token, grace);
    // An update with the read resourceVersion: a concurrent rotation fails instead of being lost.
    hub.secrets()
        .inNamespace(AgentTokens.NAMESPACE)
        .resource(Json.MAPPER.treeToValue(rotated, Secret.class))
        .update();
    return token;
  }

  private static void ensureExecutionNamespace(KubernetesClient hub, String cluster) {
    String es = Names.executionNamespace(cluster);
    try {
      hub.namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(es).endMetadata().build())
          .create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
  }

  private static String newToken() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
