package dev.flotilla.apiserver.controllers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.DeleteOptions;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.objects.ResourceStorage;
import dev.flotilla.apiserver.registry.BuiltinCatalogue;
import dev.flotilla.apiserver.registry.ResourceRegistry;
import dev.flotilla.apiserver.registry.ResourceType;
import dev.flotilla.apiserver.storage.ForwardingStore;
import dev.flotilla.apiserver.storage.KeyValue;
import dev.flotilla.apiserver.storage.StoreEvent;
import dev.flotilla.apiserver.storage.memory.MemoryStore;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * A delete event without the object's last value (etcd's, when the previous value was compacted
 * before the watch read it, or a delete made through another hub) still lets the garbage collector
 * find the deleted owner's dependents.
 */
class GarbageCollectorTombstoneTest {

  /** Delete events reach watchers with an empty value and no previous value. */
  private static final class BareDeletes extends ForwardingStore {
    BareDeletes() {
      super(new MemoryStore());
    }

    @Override
    public Watch watch(String prefix, long after, Consumer<StoreEvent> listener) {
      return inner.watch(prefix, after, e -> listener.accept(bare(e)));
    }

    @Override
    public Watch watch(String prefix, long after, Consumer<StoreEvent> listener, Runnable gone) {
      return inner.watch(prefix, after, e -> listener.accept(bare(e)), gone);
    }

    private static StoreEvent bare(StoreEvent e) {
      if (e.type() != StoreEvent.Type.DELETE) {
        return e;
      }
      KeyValue kv = e.kv();
      return new StoreEvent(
          e.type(),
          new KeyValue(kv.key(), new byte[0], kv.createRevision(), kv.modRevision()),
          null);
    }
  }

  @Test
  void anOwnerDeletedWithoutItsLastValueStillTakesItsDependents() throws Exception {
    ResourceRegistry registry = new ResourceRegistry(BuiltinCatalogue.get().types());
    ResourceStorage storage = new ResourceStorage(new BareDeletes(), registry, Runnable::run);
    ResourceType configMaps = registry.find("", "v1", "configmaps").orElseThrow();
    ResourceType namespaces = registry.find("", "v1", "namespaces").orElseThrow();
    storage
        .createJson(
            namespaces, null, Json.read("{\"metadata\":{\"name\":\"shop\"}}".getBytes()), false)
        .get();
    try (GarbageCollector gc = new GarbageCollector(storage)) {
      gc.start();
      ObjectNode owner =
          Json.read(
              storage
                  .createJson(
                      configMaps,
                      "shop",
                      Json.read("{\"metadata\":{\"name\":\"owner\"}}".getBytes()),
                      false)
                  .get());
      String uid = owner.at("/metadata/uid").asText();
      storage
          .createJson(
              configMaps,
              "shop",
              Json.read(
                  ("{\"metadata\":{\"name\":\"dependent\",\"ownerReferences\":[{\"apiVersion\":"
                          + "\"v1\",\"kind\":\"ConfigMap\",\"name\":\"owner\",\"uid\":\""
                          + uid
                          + "\"}]}}")
                      .getBytes()),
              false)
          .get();
      // A lone survivor must be there before the owner goes, or the test proves nothing.
      assertTrue(storage.store().get("/registry/core/configmaps/shop/dependent").isPresent());
      storage.delete(configMaps, "shop", "owner", DeleteOptions.DEFAULT).get();
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (storage.store().get("/registry/core/configmaps/shop/dependent").isPresent()
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertTrue(
          storage.store().get("/registry/core/configmaps/shop/dependent").isEmpty(),
          "the dependent of an owner deleted by a bare delete event was collected");
    }
  }
}
