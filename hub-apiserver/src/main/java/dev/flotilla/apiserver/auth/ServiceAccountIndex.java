package dev.flotilla.apiserver.auth;

import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.objects.Meta;
import dev.flotilla.apiserver.objects.ResourceStorage;
import dev.flotilla.apiserver.objects.StorageKeys;
import dev.flotilla.apiserver.registry.ResourceType;
import dev.flotilla.apiserver.storage.KeyValue;
import dev.flotilla.apiserver.storage.PrefixFollower;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The uid of every ServiceAccount, followed from one store watch, so token authentication (on an
 * event loop) can tell in memory whether a token's account still exists.
 */
public final class ServiceAccountIndex implements AutoCloseable {
  private final Map<String, String> uidByKey = new ConcurrentHashMap<>();
  private String prefix = "";
  private PrefixFollower watch;

  /** Indexes the existing ServiceAccounts and follows changes. */
  public void start(ResourceStorage storage) {
    ResourceType type = storage.registry().find("", "v1", "serviceaccounts").orElseThrow();
    prefix = StorageKeys.resourcePrefix(type);
    watch =
        PrefixFollower.start(
            storage.store(),
            prefix,
            new PrefixFollower.Cache() {
              @Override
              public void put(KeyValue kv) {
                String uid = Meta.uid(Json.read(kv.value()));
                if (uid == null || uid.isEmpty()) {
                  uidByKey.remove(kv.key());
                } else {
                  uidByKey.put(kv.key(), uid);
                }
              }

              @Override
              public void remove(String key) {
                uidByKey.remove(key);
              }
            });
  }

  /** The uid of ServiceAccount {@code namespace/name}, or null when there is none. */
  public String uid(String namespace, String name) {
    return uidByKey.get(prefix + namespace + "/" + name);
  }

  @Override
  public void close() {
    if (watch != null) {
      watch.close();
    }
  }
}
