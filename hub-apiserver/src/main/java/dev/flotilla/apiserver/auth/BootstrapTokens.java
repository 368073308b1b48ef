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
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * kube-apiserver's bootstrap-token authenticator: Secrets {@code kube-system/bootstrap-token-<id>}
 * of type {@value #SECRET_TYPE} with {@code token-id}, {@code token-secret}, optional {@code
 * expiration} (RFC 3339), {@code usage-bootstrap-authentication: "true"} and {@code
 * auth-extra-groups}; the bearer token {@code <id>.<secret>} authenticates as {@code
 * system:bootstrap:<id>} in {@value #GROUP} plus the extra groups. Expired, deleting or unusable
 * tokens authenticate no one.
 */
public final class BootstrapTokens implements AutoCloseable {
  public static final String NAMESPACE = "kube-system";
  public static final String SECRET_TYPE = "bootstrap.kubernetes.io/token";
  public static final String SECRET_PREFIX = "bootstrap-token-";
  public static final String USER_PREFIX = "system:bootstrap:";
  public static final String GROUP = "system:bootstrappers";

  private static final Pattern TOKEN = Pattern.compile("^([a-z0-9]{6})\\.([a-z0-9]{16})$");
  private static final Pattern EXTRA_GROUP =
      Pattern.compile("^system:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]$");
  private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A usable token: its secret, expiry (null: none) and groups. */
  private record Entry(String secret, Instant expires, List<String> groups) {}

  private final Map<String, Entry> byId = new ConcurrentHashMap<>();
  private PrefixFollower watch;

  /** Indexes the token Secrets and follows changes. */
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
                index(kv.key().substring(prefix.length()), Json.read(kv.value()), false);
              }

              @Override
              public void remove(String key) {
                index(key.substring(prefix.length()), null, true);
              }
            });
  }

  void index(String name, ObjectNode secret, boolean deleted) {
    if (!name.startsWith(SECRET_PREFIX)) {
      return;
    }
    String id = name.substring(SECRET_PREFIX.length());
    byId.remove(id);
    if (deleted || !SECRET_TYPE.equals(secret.path("type").asText()) || Meta.isDeleting(secret)) {
      return;
    }
    JsonNode data = secret.path("data");
    if (!id.equals(decode(data, "token-id"))
        || !"true".equals(decode(data, "usage-bootstrap-authentication"))) {
      return;
    }
    String tokenSecret = decode(data, "token-secret");
    Instant expires = null;
    String expiration = decode(data, "expiration");
    if (!expiration.isEmpty()) {
      try {
        expires = Instant.parse(expiration);
      } catch (DateTimeParseException e) {
        return; // upstream treats an unparsable expiration as expired
      }
    }
    List<String> groups = new ArrayList<>(List.of(GROUP));
    for (String g : decode(data, "auth-extra-groups").split(",")) {
      String group = g.trim();
      if (group.isEmpty()) {
        continue;
      }
      if (!EXTRA_GROUP.matcher(group).matches()) {
        return; // upstream refuses a token with a malformed extra group
      }
      groups.add(group);
    }
    byId.put(id, new Entry(tokenSecret, expires, List.copyOf(groups)));
  }

  /** The bootstrap user a bearer token stands for; plug into {@link TokenAuthenticator}. */
  public Optional<UserInfo> lookup(String token) {
    return lookup(token, Instant.now());
  }

  /** As {@link #lookup(String)}, at {@code now}. */
  Optional<UserInfo> lookup(String token, Instant now) {
    var m = TOKEN.matcher(token);
    if (!m.matches()) {
      return Optional.empty();
    }
    Entry e = byId.get(m.group(1));
    if (e == null
        || !MessageDigest.isEqual(
            e.secret().getBytes(StandardCharsets.UTF_8),
            m.group(2).getBytes(StandardCharsets.UTF_8))
        || (e.expires() != null && !now.isBefore(e.expires()))) {
      return Optional.empty();
    }
    return Optional.of(new UserInfo(USER_PREFIX + m.group(1), "", e.groups()));
  }

  /** A new random token, {@code <6 chars>.<16 chars>} of [a-z0-9], as kubeadm makes them. */
  public static String generate() {
    return random(6) + "." + random(16);
  }

  private static String random(int n) {
    StringBuilder b = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      b.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return b.toString();
  }

  /**
   * The Secret for {@code token}, usable for authentication until {@code expires} (null: never) by
   * a member of {@code extraGroups} too.
   */
  public static ObjectNode secretFor(
      String token, Instant expires, List<String> extraGroups, String description) {
    var m = TOKEN.matcher(token);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "a bootstrap token is <id>.<secret> matching [a-z0-9]{6}\\.[a-z0-9]{16}");
    }
    ObjectNode secret = Json.MAPPER.createObjectNode();
    secret.put("apiVersion", "v1").put("kind", "Secret");
    ObjectNode meta = secret.putObject("metadata");
    meta.put("name", SECRET_PREFIX + m.group(1));
    meta.put("namespace", NAMESPACE);
    secret.put("type", SECRET_TYPE);
    ObjectNode data = secret.putObject("stringData");
    data.put("token-id", m.group(1));
    data.put("token-secret", m.group(2));
    data.put("usage-bootstrap-authentication", "true");
    data.put("usage-bootstrap-signing", "true");
    if (expires != null) {
      data.put("expiration", expires.toString());
    }
    if (!extraGroups.isEmpty()) {
      data.put("auth-extra-groups", String.join(",", extraGroups));
    }
    if (description != null && !description.isEmpty()) {
      data.put("description", description);
    }
    return secret;
  }

  private static String decode(JsonNode data, String key) {
    try {
      return new String(
          Base64.getDecoder().decode(data.path(key).asText("")), StandardCharsets.UTF_8);
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
