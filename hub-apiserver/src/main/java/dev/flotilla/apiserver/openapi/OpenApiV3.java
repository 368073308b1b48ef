package dev.flotilla.apiserver.openapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.registry.BuiltinCatalogue;
import dev.flotilla.apiserver.registry.ResourceType;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Serves the OpenAPI v3 index ({@code /openapi/v3}) and per-group-version documents ({@code
 * /openapi/v3/apis/<group>/<version>}) for whatever types are served right now.
 *
 * <p>kubectl needs these for default (strict) validation and for {@code explain} (see
 * kube-api-compat.md 1.2). The served set and CRD schemas change at runtime, so callers pass them
 * on every call; rendered documents are cached by group-version plus a fingerprint of its types and
 * CRD schemas, so repeated calls cost a map lookup. Thread-safe.
 */
public final class OpenApiV3 {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_CACHED = 256;
  private static final Function<ResourceType, Optional<JsonNode>> NO_SCHEMAS =
      t -> Optional.empty();

  /** What a document depends on; JsonNode equality is deep, so schema edits miss the cache. */
  private record Key(String gvPath, List<ResourceType> types, List<JsonNode> schemas) {}

  /** A rendered document and the hash the index advertises for it. */
  private record Rendered(byte[] bytes, String hash) {}

  private final GroupVersionDocument builder;
  private final Function<ResourceType, Optional<JsonNode>> defaultCrdSchemas;
  private volatile Function<ResourceType, Optional<JsonNode>> lastCrdSchemas;
  private final Map<Key, Rendered> cache =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Rendered> eldest) {
          return size() > MAX_CACHED;
        }
      };

  /**
   * Documents for built-ins and CRDs. {@link #index(Collection)} then hashes CRD documents with the
   * schema lookup most recently passed to {@link #document}; prefer {@link #index(Collection,
   * Function)} or the two-argument constructor.
   */
  public OpenApiV3(BuiltinCatalogue catalogue) {
    this(catalogue, null);
  }

  /** As above, with the CRD schema lookup {@link #index(Collection)} should use. */
  public OpenApiV3(
      BuiltinCatalogue catalogue, Function<ResourceType, Optional<JsonNode>> crdSchemas) {
    this.builder = new GroupVersionDocument(catalogue);
    this.defaultCrdSchemas = crdSchemas;
  }

  /** The index, hashing CRD documents with the default or last-used schema lookup. */
  public byte[] index(Collection<ResourceType> served) {
    Function<ResourceType, Optional<JsonNode>> schemas = defaultCrdSchemas;
    if (schemas == null) {
      schemas = lastCrdSchemas != null ? lastCrdSchemas : NO_SCHEMAS;
    }
    return index(served, schemas);
  }

  /**
   * The {@code /openapi/v3} index: one entry per served group-version, each URL carrying the
   * content hash of that document so clients refetch exactly when it changes.
   */
  public byte[] index(
      Collection<ResourceType> served, Function<ResourceType, Optional<JsonNode>> crdSchema) {
    Map<String, List<ResourceType>> byGv = groupByGv(served);
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    ObjectNode paths = root.putObject("paths");
    byGv.forEach(
        (gv, types) -> {
          Rendered r = render(gv, types, crdSchema);
          paths.putObject(gv).put("serverRelativeURL", "/openapi/v3/" + gv + "?hash=" + r.hash());
        });
    return write(root);
  }

  /**
   * The OpenAPI 3.0 document of one group-version.
   *
   * @param gvPath "api/v1" or "apis/&lt;group&gt;/&lt;version&gt;" (no leading slash)
   * @param served every type served now; only those in {@code gvPath} matter
   * @param crdSchema the openAPIV3Schema of a CRD type's version (not called for built-ins)
   * @return the JSON document, or empty when nothing is served in that group-version
   */
  public Optional<byte[]> document(
      String gvPath,
      Collection<ResourceType> served,
      Function<ResourceType, Optional<JsonNode>> crdSchema) {
    if (crdSchema != null) {
      lastCrdSchemas = crdSchema;
    }
    String gv = gvPath.startsWith("/") ? gvPath.substring(1) : gvPath;
    List<ResourceType> types = groupByGv(served).get(gv);
    if (types == null) {
      return Optional.empty();
    }
    return Optional.of(render(gv, types, crdSchema == null ? NO_SCHEMAS : crdSchema).bytes());
  }

  /** The content hash the index advertises for a group-version's document, if served. */
  public Optional<String> hash(
      String gvPath,
      Collection<ResourceType> served,
      Function<ResourceType, Optional<JsonNode>> crdSchema) {
    String gv = gvPath.startsWith("/") ? gvPath.substring(1) : gvPath;
    List<ResourceType> types = groupByGv(served).get(gv);
    return types == null
        ? Optional.empty()
        : Optional.of(render(gv, types, crdSchema == null ? NO_SCHEMAS : crdSchema).hash());
  }

  private Rendered render(
      String gv, List<ResourceType> types, Function<ResourceType, Optional<JsonNode>> lookup) {
    List<JsonNode> schemas = new ArrayList<>(types.size());
    for (ResourceType t : types) {
      // NullNode keeps the list aligned with types and null-free for equals/hashCode.
      schemas.add(t.builtin() ? NullNode.instance : lookup.apply(t).orElse(NullNode.instance));
    }
    Key probe = new Key(gv, types, schemas);
    synchronized (cache) {
      Rendered hit = cache.get(probe);
      if (hit != null) {
        return hit;
      }
    }
    // Built outside the lock: two racing builds give identical bytes, so either may win.
    byte[] bytes = write(builder.build(types, schemas));
    Rendered r = new Rendered(bytes, sha512(bytes));
    List<JsonNode> frozen = new ArrayList<>(schemas.size());
    schemas.forEach(s -> frozen.add(s.deepCopy())); // callers may mutate their nodes later
    synchronized (cache) {
      cache.put(new Key(gv, types, frozen), r);
    }
    return r;
  }

  /** Served types by group-version path, each list de-duplicated by plural and sorted. */
  private static Map<String, List<ResourceType>> groupByGv(Collection<ResourceType> served) {
    Map<String, Map<String, ResourceType>> byGv = new TreeMap<>();
    for (ResourceType t : served) {
      byGv.computeIfAbsent(t.groupVersionPath(), k -> new TreeMap<>()).putIfAbsent(t.plural(), t);
    }
    Map<String, List<ResourceType>> out = new TreeMap<>();
    byGv.forEach(
        (gv, types) -> {
          List<ResourceType> list = new ArrayList<>(types.values());
          list.sort(Comparator.comparing(ResourceType::plural));
          out.put(gv, List.copyOf(list));
        });
    return out;
  }

  private static byte[] write(JsonNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise OpenAPI document", e);
    }
  }

  /** SHA-512 in upper-case hex, the form upstream's index uses. */
  private static String sha512(byte[] bytes) {
    try {
      return HexFormat.of()
          .withUpperCase()
          .formatHex(MessageDigest.getInstance("SHA-512").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-512 unavailable", e);
    }
  }
}
