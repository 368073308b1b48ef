package dev.flotilla.apiserver.encryption;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.encryption.Providers.Provider;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.objects.StorageKeys;
import dev.flotilla.apiserver.storage.ValueTransformer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Encryption at rest from kube-apiserver's {@code --encryption-provider-config} ({@code
 * apiserver.config.k8s.io/v1} EncryptionConfiguration): for each resource the first entry naming it
 * (exactly, or as {@code *.group} or {@code *.*}) decides; its first provider encrypts what is
 * written, and any of its providers' keys reads what was written before. A value stored before
 * encryption was configured (plain JSON) stays readable and is encrypted when next written.
 */
public final class EncryptionConfig implements ValueTransformer {
  private static final byte[] ENCRYPTED = "k8s:enc:".getBytes(StandardCharsets.US_ASCII);

  private record Entry(List<String> resources, List<Provider> providers) {}

  private final List<Entry> entries;
  private final Map<String, Optional<Entry>> byResource = new ConcurrentHashMap<>();

  private EncryptionConfig(List<Entry> entries) {
    this.entries = entries;
  }

  /**
   * The transformer for an optional configuration file. Without one nothing is encrypted, and a
   * value found encrypted (written under a configuration since removed) is refused, not served as
   * if it were JSON.
   */
  public static ValueTransformer transformer(Optional<Path> file) {
    return file.map(EncryptionConfig::load).orElseGet(() -> new EncryptionConfig(List.of()));
  }

  public static EncryptionConfig load(Path file) {
    try {
      return parse(file.toString(), Files.readAllBytes(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the encryption provider config " + file, e);
    }
  }

  /**
   * Parses and validates a configuration as upstream does: unknown fields, unsupported providers
   * and keys of the wrong length are errors naming the file and the field.
   */
  public static EncryptionConfig parse(String name, byte[] content) {
    String where = "encryption provider config " + name;
    ObjectNode root;
    try {
      root = Json.parseObject(content, true);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(where + " is not YAML or JSON: " + e.getMessage(), e);
    }
    if (!"apiserver.config.k8s.io/v1".equals(root.path("apiVersion").asText())
        || !"EncryptionConfiguration".equals(root.path("kind").asText())) {
      throw new IllegalArgumentException(
          where + " must be apiVersion apiserver.config.k8s.io/v1, kind EncryptionConfiguration");
    }
    onlyFields(root, Set.of("apiVersion", "kind", "metadata", "resources"), where);
    List<Entry> entries = new ArrayList<>();
    int i = 0;
    for (JsonNode r : root.path("resources")) {
      String at = where + ": resources[" + i++ + "]";
      onlyFields(r, Set.of("resources", "providers"), at);
      List<String> resources = new ArrayList<>();
      r.path("resources").forEach(n -> resources.add(n.asText()));
      if (resources.isEmpty()) {
        throw new IllegalArgumentException(at + ".resources: Required value: name resources");
      }
      List<Provider> providers = new ArrayList<>();
      int j = 0;
      for (JsonNode p : r.path("providers")) {
        providers.add(provider(p, at + ".providers[" + j++ + "]"));
      }
      if (providers.isEmpty()) {
        throw new IllegalArgumentException(at + ".providers: Required value: name a provider");
      }
      entries.add(new Entry(List.copyOf(resources), List.copyOf(providers)));
    }
    if (entries.isEmpty()) {
      throw new IllegalArgumentException(where + ": resources: Required value");
    }
    return new EncryptionConfig(List.copyOf(entries));
  }

  private static Provider provider(JsonNode p, String at) {
    List<String> kinds = new ArrayList<>();
    p.fieldNames().forEachRemaining(kinds::add);
    if (kinds.size() != 1) {
      throw new IllegalArgumentException(
          at + ": exactly one provider type must be set, got " + kinds);
    }
    String kind = kinds.get(0);
    if (kind.equals("identity")) {
      return new Providers.Identity();
    }
    if (!Set.of("aesgcm", "aescbc", "secretbox").contains(kind)) {
      throw new IllegalArgumentException(
          at
              + ": provider \""
              + kind
              + "\" is not supported by this hub; use aesgcm, secretbox, aescbc or identity");
    }
    JsonNode keys = p.get(kind).path("keys");
    onlyFields(p.get(kind), Set.of("keys"), at + "." + kind);
    if (!keys.isArray() || keys.isEmpty()) {
      throw new IllegalArgumentException(at + "." + kind + ".keys: Required value");
    }
    // Only the first key encrypts; listing more lets values written with them still be read.
    // Each key is its own provider with its own prefix.
    List<Provider> perKey = new ArrayList<>();
    Set<String> names = new HashSet<>();
    int k = 0;
    for (JsonNode key : keys) {
      String kat = at + "." + kind + ".keys[" + k++ + "]";
      onlyFields(key, Set.of("name", "secret"), kat);
      String keyName = key.path("name").asText("");
      if (keyName.isEmpty() || keyName.contains(":") || !names.add(keyName)) {
        throw new IllegalArgumentException(
            kat + ".name: Invalid value: \"" + keyName + "\": names must be unique, without ':'");
      }
      byte[] secret;
      try {
        secret = Base64.getDecoder().decode(key.path("secret").asText(""));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(kat + ".secret: Invalid value: not base64");
      }
      Set<Integer> lengths = kind.equals("secretbox") ? Set.of(32) : Set.of(16, 24, 32);
      if (!lengths.contains(secret.length)) {
        throw new IllegalArgumentException(
            kat
                + ".secret: Invalid value: secret is not of the expected length, got "
                + secret.length
                + ", expected one of "
                + lengths.stream().sorted().toList()
                + " (head -c 32 /dev/urandom | base64)");
      }
      perKey.add(
          switch (kind) {
            case "aesgcm" -> new Providers.AesGcm(keyName, secret);
            case "aescbc" -> new Providers.AesCbc(keyName, secret);
            default -> new Providers.SecretBox(keyName, secret);
          });
    }
    return new MultiKey(perKey);
  }

  /** A provider with several keys: the first writes, each reads what it wrote. */
  private record MultiKey(List<Provider> keys) implements Provider {
    @Override
    public byte[] prefix() {
      return keys.get(0).prefix();
    }

    @Override
    public byte[] seal(byte[] plain, String storageKey) throws GeneralSecurityException {
      return keys.get(0).seal(plain, storageKey);
    }

    @Override
    public byte[] open(byte[] sealed, String storageKey) {
      throw new UnsupportedOperationException("open through one of the keys");
    }
  }

  private static List<Provider> readers(Entry e) {
    List<Provider> out = new ArrayList<>();
    for (Provider p : e.providers()) {
      out.addAll(p instanceof MultiKey m ? m.keys() : List.of(p));
    }
    return out;
  }

  @Override
  public byte[] toStorage(String key, byte[] value) {
    Optional<Entry> e = entryFor(key);
    if (e.isEmpty()) {
      return value;
    }
    Provider writer = e.get().providers().get(0);
    try {
      return Providers.concat(writer.prefix(), writer.seal(value, key));
    } catch (GeneralSecurityException ex) {
      throw new IllegalStateException("encrypting " + key + " failed: " + ex.getMessage(), ex);
    }
  }

  @Override
  public byte[] fromStorage(String key, byte[] stored) {
    if (!startsWith(stored, ENCRYPTED)) {
      return stored; // written in the clear (before encryption was configured, or identity)
    }
    List<Provider> candidates = new ArrayList<>();
    entryFor(key).ifPresent(e -> candidates.addAll(readers(e)));
    entries.forEach(e -> candidates.addAll(readers(e)));
    for (Provider p : candidates) {
      byte[] prefix = p.prefix();
      if (prefix.length > 0 && startsWith(stored, prefix)) {
        try {
          return p.open(Arrays.copyOfRange(stored, prefix.length, stored.length), key);
        } catch (GeneralSecurityException ex) {
          throw new IllegalStateException(
              "cannot decrypt "
                  + key
                  + " with "
                  + new String(prefix, StandardCharsets.US_ASCII)
                  + " ("
                  + ex.getMessage()
                  + "): was the key's secret changed?",
              ex);
        }
      }
    }
    throw new IllegalStateException(
        key
            + " is stored encrypted ("
            + storedPrefix(stored)
            + ") with a key --encryption-provider-config no longer lists: add that key back"
            + " (as a later key or provider, so it only reads)");
  }

  /** {@code k8s:enc:<provider>:v1:<name>:} of stored bytes, for messages. */
  private static String storedPrefix(byte[] stored) {
    int colons = 0;
    for (int i = 0; i < Math.min(stored.length, 128); i++) {
      if (stored[i] == ':' && ++colons == 5) {
        return new String(stored, 0, i + 1, StandardCharsets.US_ASCII);
      }
    }
    return "k8s:enc:...";
  }

  /** The first entry naming the resource a storage key belongs to. */
  private Optional<Entry> entryFor(String storageKey) {
    if (!storageKey.startsWith(StorageKeys.ROOT)) {
      return Optional.empty();
    }
    // Runs on every write and read: one lookup by "<group>/<resource>", no split per key.
    int start = StorageKeys.ROOT.length();
    int slash = storageKey.indexOf('/', start);
    if (slash < 0) {
      return Optional.empty();
    }
    int end = storageKey.indexOf('/', slash + 1);
    String groupResource = storageKey.substring(start, end < 0 ? storageKey.length() : end);
    Optional<Entry> known = byResource.get(groupResource);
    if (known != null) {
      return known;
    }
    String group = storageKey.substring(start, slash);
    String resource = groupResource.substring(slash + 1 - start);
    return byResource.computeIfAbsent(
        groupResource, k -> find(group.equals("core") ? "" : group, resource));
  }

  private Optional<Entry> find(String group, String resource) {
    for (Entry e : entries) {
      for (String r : e.resources()) {
        if (r.equals("*.*")
            || r.equals("*." + group)
            || r.equals(group.isEmpty() ? resource : resource + "." + group)) {
          return Optional.of(e);
        }
      }
    }
    return Optional.empty();
  }

  private static boolean startsWith(byte[] data, byte[] prefix) {
    if (data.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (data[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static void onlyFields(JsonNode node, Set<String> allowed, String where) {
    if (!node.isObject()) {
      throw new IllegalArgumentException(where + " must be an object");
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        throw new IllegalArgumentException(
            where + ": unknown field \"" + f + "\" (allowed: " + allowed + ")");
      }
    }
  }
}
