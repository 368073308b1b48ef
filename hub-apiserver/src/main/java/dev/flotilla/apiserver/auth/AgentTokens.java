package dev.flotilla.apiserver.auth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.objects.Meta;
import dev.flotilla.apiserver.objects.ResourceStorage;
import dev.flotilla.apiserver.objects.StorageKeys;
import dev.flotilla.apiserver.registry.ResourceType;
import dev.flotilla.apiserver.storage.KeyValue;
import dev.flotilla.apiserver.storage.RangeResult;
import dev.flotilla.apiserver.storage.Store;
import dev.flotilla.apiserver.storage.StoreEvent;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Member-agent credentials kept as Secrets on the hub: {@code karmada-cluster/flotilla-agent-<c>}
 * of type {@value #SECRET_TYPE} holds only the SHA-256 of the token, so the store never holds a
 * usable credential. Deleting the Secret revokes the agent at once.
 */
public final class AgentTokens implements AutoCloseable {
  public static final String NAMESPACE = "karmada-cluster";
  public static final String SECRET_TYPE = "flotilla.dev/agent-token";
  public static final String SECRET_PREFIX = "flotilla-agent-";
  public static final String DIGEST_KEY = "token-sha256";
  public static final String CLUSTER_KEY = "cluster";

  /** Karmada's agent identity: CN system:karmada:agent:<cluster>, O system:karmada:agents. */
  public static final String USER_PREFIX = "system:karmada:agent:";

  public static final String GROUP = "system:karmada:agents";

  private final Map<String, String> clusterByDigest = new ConcurrentHashMap<>();
  private final Map<String, String> digestBySecret = new ConcurrentHashMap<>();
  private Store.Watch watch;

  /** Indexes existing agent Secrets and follows changes. */
  public void start(ResourceStorage storage) {
    ResourceType secrets = storage.registry().find("", "v1", "secrets").orElseThrow();
    String prefix = StorageKeys.listPrefix(secrets, NAMESPACE);
    RangeResult existing = storage.store().range(prefix, Store.prefixEnd(prefix), 0, 0);
    for (KeyValue kv : existing.items()) {
      index(kv.key(), Json.read(kv.value()), false);
    }
    watch =
        storage
            .store()
            .watch(
                prefix,
                existing.revision(),
                (StoreEvent e) ->
                    index(
                        e.kv().key(),
                        Json.read(e.kv().value()),
                        e.type() == StoreEvent.Type.DELETE));
  }

  private void index(String key, ObjectNode secret, boolean deleted) {
    String old = digestBySecret.remove(key);
    if (old != null) {
      clusterByDigest.remove(old);
    }
    if (deleted || !SECRET_TYPE.equals(secret.path("type").asText())) {
      return;
    }
    String digest = decode(secret.path("data").path(DIGEST_KEY).asText(""));
    String cluster = decode(secret.path("data").path(CLUSTER_KEY).asText(""));
    if (!digest.isEmpty() && !cluster.isEmpty() && !Meta.isDeleting(secret)) {
      clusterByDigest.put(digest, cluster);
      digestBySecret.put(key, digest);
    }
  }

  /** The agent identity a token belongs to; plug into {@link TokenAuthenticator#addSource}. */
  public Optional<UserInfo> lookup(String token) {
    String cluster = clusterByDigest.get(TokenAuthenticator.digest(token));
    return Optional.ofNullable(cluster)
        .map(c -> new UserInfo(USER_PREFIX + c, USER_PREFIX + c, List.of(GROUP)));
  }

  /** The cluster an agent user acts for, or null when the user is no agent. */
  public static String clusterOf(UserInfo user) {
    return user.groups().contains(GROUP) && user.name().startsWith(USER_PREFIX)
        ? user.name().substring(USER_PREFIX.length())
        : null;
  }

  /** The Secret that grants {@code token} to the agent of {@code cluster}. */
  public static ObjectNode secretFor(String cluster, String token) {
    ObjectNode secret = Json.MAPPER.createObjectNode();
    secret.put("apiVersion", "v1");
    secret.put("kind", "Secret");
    ObjectNode meta = secret.putObject("metadata");
    meta.put("name", SECRET_PREFIX + cluster);
    meta.put("namespace", NAMESPACE);
    meta.putObject("labels").put("cluster.karmada.io/name", cluster);
    secret.put("type", SECRET_TYPE);
    ObjectNode data = secret.putObject("data");
    data.put(DIGEST_KEY, encode(TokenAuthenticator.digest(token)));
    data.put(CLUSTER_KEY, encode(cluster));
    return secret;
  }

  private static String encode(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String decode(String b64) {
    try {
      return new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return "";
    }
  }

  @Override
  public void close() {
    if (watch != null) {
      watch.close();
    }
  }
}
