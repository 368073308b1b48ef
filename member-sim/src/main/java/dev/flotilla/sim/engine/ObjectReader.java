package dev.flotilla.sim.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.objects.StorageKeys;
import dev.flotilla.apiserver.registry.ResourceType;
import dev.flotilla.apiserver.storage.KeyValue;
import dev.flotilla.apiserver.storage.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads the store's current state, always fresh (the store keeps current values in memory), and
 * parses each stored version of an object once. Returned objects are shared: never mutate them,
 * {@code deepCopy()} first.
 */
public final class ObjectReader {
  private final Store store;
  private final Map<String, Parsed> parsed = new ConcurrentHashMap<>();

  private record Parsed(long revision, ObjectNode object) {}

  public ObjectReader(Store store) {
    this.store = store;
  }

  public Optional<ObjectNode> get(ResourceType type, String namespace, String name) {
    return store.get(StorageKeys.key(type, namespace, name)).map(this::parse);
  }

  /** Every object of {@code type} in {@code namespace} (all namespaces when null), in key order. */
  public List<ObjectNode> list(ResourceType type, String namespace) {
    String prefix = StorageKeys.listPrefix(type, namespace);
    List<ObjectNode> out = new ArrayList<>();
    for (KeyValue kv : store.range(prefix, Store.prefixEnd(prefix), 0, 0).items()) {
      out.add(parse(kv));
    }
    return out;
  }

  /** The parsed form of one stored version. */
  public ObjectNode parse(KeyValue kv) {
    Parsed p = parsed.get(kv.key());
    if (p != null && p.revision() == kv.modRevision()) {
      return p.object();
    }
    ObjectNode obj = Json.read(kv.value());
    parsed.put(kv.key(), new Parsed(kv.modRevision(), obj));
    return obj;
  }

  /** Drops the parsed form of a deleted key. */
  void forget(String key) {
    parsed.remove(key);
  }
}
