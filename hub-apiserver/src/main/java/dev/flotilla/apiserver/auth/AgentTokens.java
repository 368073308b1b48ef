package dev.flotilla.apiserver.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.objects.Meta;
import dev.flotilla.apiserver.objects.ResourceStorage;
import dev.flotilla.apiserver.objects.StorageKeys;
import dev.flotilla.apiserver.registry.ResourceType;
import dev.flotilla.apiserver.storage.KeyValue;
import dev.flotilla.apiserver.storage.PrefixFollower;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
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

  /**
   * After a rotation: the replaced token's SHA-256, accepted until {@link #PREVIOUS_EXPIRES_KEY}.
   */
  public static final String PREVIOUS_DIGEST_KEY = "previous-token-sha256";

  /** RFC 3339 instant after which the replaced token is refused. */
  public static final String PREVIOUS_EXPIRES_KEY = "previous-token-expires";

  /** Karmada's agent identity: CN system:karmada:agent:<cluster>, O system:karmada:agents. */
  public static final String USER_PREFIX = "system:karmada:agent:";

  public static final String GROUP = "system:karmada:agents";

  /** Whom a token digest stands for, and until when (null: until revoked or rotated). */
  private record Grant(String cluster, Instant expires) {}

  private final Map<String, Grant> grantByDigest = new ConcurrentHashMap<>();
  private final Map<String, List<String>> digestsBySecret = new ConcurrentHashMap<>();
  private PrefixFollower watch;

  /** Indexes existing agent Secrets and follows changes. */
  public void start(ResourceStorage storage) {
    ResourceType secrets = storage.registry().find("", "v1", "secrets").orElseThrow();
    String prefix = StorageKeys.listPrefix(secrets, NAMESPACE);
    watch =
        PrefixFollower.start(
            storage.store(),
            prefix,
            new PrefixFollower.Cache() {
              @Override
              public void put(KeyValue kv) {
                index(kv.key(), Json.read(kv.value()), false);
              }

              @Override
              public void remove(String key) {
                index(key, null, true);
              }
            });
  }

  private void index(String key, ObjectNode secret, boolean deleted) {
    List<String> old = digestsBySecret.remove(key);
    if (old != null) {
      old.forEach(grantByDigest::remove);
    }
    if (deleted || !SECRET_TYPE.equals(secret.path("type").asText()) || Meta.isDeleting(secret)) {
      return;
    }
    JsonNode data = secret.path("data");
    String digest = decode(data.path(DIGEST_KEY).asText(""));
    String cluster = decode(data.path(CLUSTER_KEY).asText(""));
    if (digest.isEmpty() || cluster.isEmpty()) {
      return;
    }
    List<String> digests = new ArrayList<>();
    grantByDigest.put(digest, new Grant(cluster, null));
    digests.add(digest);
    String previous = decode(data.path(PREVIOUS_DIGEST_KEY).asText(""));
    Instant expires = parseInstant(decode(data.path(PREVIOUS_EXPIRES_KEY).asText("")));
    if (!previous.isEmpty() && expires != null && !previous.equals(digest)) {
      grantByDigest.put(previous, new Grant(cluster, expires));
      digests.add(previous);
    }
    digestsBySecret.put(key, digests);
  }

  /** The agent identity a token belongs to; plug into {@link TokenAuthenticator#addSource}. */
  public Optional<UserInfo> lookup(String token) {
    Grant grant = grantByDigest.get(TokenAuthenticator.digest(token));
    if (grant == null || (grant.expires() != null && !Instant.now().isBefore(grant.expires()))) {
      return Optional.empty();
    }
    String user = USER_PREFIX + grant.cluster();
    return Optional.of(new UserInfo(user, user, List.of(GROUP)));
  }

  /** The cluster an agent user acts for, or null when the user is no agent. */
  public static String clusterOf(UserInfo user) {
    return user.groups().contains(GROUP) && user.name().startsWith(USER_PREFIX)
        ? user.name().substring(USER_PREFIX.length())
        : null;
  }

  /** The cluster an agent-token Secret grants access for, or null when it is none. */
  public static String clusterOfSecret(ObjectNode secret) {
    if (!SECRET_TYPE.equals(secret.path("type").asText())) {
      return null;
    }
    String cluster = decode(secret.path("data").path(CLUSTER_KEY).asText(""));
    return cluster.isEmpty() ? null : cluster;
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

  /**
   * {@code current} (the cluster's stored agent Secret) with {@code token} as its token; the token
   * it replaces stays valid for {@code grace} (not at all when zero), so a running agent can be
   * given the new one without being cut off.
   */
  public static ObjectNode rotatedSecret(ObjectNode current, String token, Duration grace) {
    ObjectNode secret = current.deepCopy();
    ObjectNode data = secret.with("data");
    String replaced = data.path(DIGEST_KEY).asText("");
    data.put(DIGEST_KEY, encode(TokenAuthenticator.digest(token)));
    if (grace.isZero() || grace.isNegative() || replaced.isEmpty()) {
      data.remove(PREVIOUS_DIGEST_KEY);
      data.remove(PREVIOUS_EXPIRES_KEY);
    } else {
      data.put(PREVIOUS_DIGEST_KEY, replaced);
      data.put(
          PREVIOUS_EXPIRES_KEY,
          encode(Instant.now().plus(grace).truncatedTo(ChronoUnit.SECONDS).toString()));
    }
    return secret;
  }

  private static Instant parseInstant(String s) {
    try {
      return s.isEmpty() ? null : Instant.parse(s);
    } catch (DateTimeParseException e) {
      return null;
    }
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
