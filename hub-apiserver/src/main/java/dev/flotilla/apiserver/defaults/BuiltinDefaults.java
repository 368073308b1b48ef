package dev.flotilla.apiserver.defaults;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.objects.ResourceStorage;
import dev.flotilla.apiserver.objects.StorageKeys;
import dev.flotilla.apiserver.registry.ResourceType;
import dev.flotilla.apiserver.storage.KeyValue;
import dev.flotilla.apiserver.storage.Store;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/** Installs the built-in kinds' defaulters on a {@link ResourceStorage}. */
public final class BuiltinDefaults {
  private BuiltinDefaults() {}

  public static void install(ResourceStorage storage) {
    WorkloadDefaults workloads = new WorkloadDefaults();
    for (String plural : List.of("deployments", "replicasets", "statefulsets", "daemonsets")) {
      storage.addHook(plural + ".apps", workloads);
    }
    storage.addHook("secrets", new SecretDefaults());
    storage.addHook("pods", new PodDefaults());
    ResourceType services = storage.registry().find("", "v1", "services").orElseThrow();
    storage.addHook(
        "services",
        new ServiceDefaults(
            new ServiceAddresses(() -> stored(storage.store(), services), new SecureRandom())));
  }

  private static Iterable<JsonNode> stored(Store store, ResourceType type) {
    String prefix = StorageKeys.resourcePrefix(type);
    List<JsonNode> out = new ArrayList<>();
    for (KeyValue kv : store.range(prefix, Store.prefixEnd(prefix), 0, 0).items()) {
      out.add(Json.read(kv.value()));
    }
    return out;
  }
}
