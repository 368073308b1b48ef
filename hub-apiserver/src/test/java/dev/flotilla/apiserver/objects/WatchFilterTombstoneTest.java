package dev.flotilla.apiserver.objects;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.apiserver.registry.BuiltinCatalogue;
import dev.flotilla.apiserver.registry.ResourceRegistry;
import dev.flotilla.apiserver.registry.ResourceType;
import dev.flotilla.apiserver.selection.FieldSelector;
import dev.flotilla.apiserver.selection.LabelSelector;
import dev.flotilla.apiserver.storage.KeyValue;
import dev.flotilla.apiserver.storage.StoreEvent;
import dev.flotilla.apiserver.storage.memory.MemoryStore;
import org.junit.jupiter.api.Test;

/**
 * A delete whose last value the store could not recover (on etcd: made through another hub, its
 * previous revision compacted) reaches every watcher as a DELETED event with an object a client can
 * decode, named by its key, instead of an empty object (invalid JSON) or nothing.
 */
class WatchFilterTombstoneTest {
  private final ResourceRegistry registry = new ResourceRegistry(BuiltinCatalogue.get().types());
  private final ResourceStorage storage =
      new ResourceStorage(new MemoryStore(), registry, Runnable::run);

  private JsonNode deleted(ResourceType type, String key, ListOptions options) {
    StoreEvent event =
        new StoreEvent(StoreEvent.Type.DELETE, new KeyValue(key, new byte[0], 5, 42), null);
    WatchFilter.Event e = new WatchFilter(storage, type, options).translate(event);
    assertNotNull(e, "the delete reaches the watcher");
    assertEquals("DELETED", e.type());
    return Json.read(e.encode()).get("object");
  }

  private static ListOptions options(String labels) {
    return new ListOptions(
        labels == null ? LabelSelector.everything() : LabelSelector.parse(labels),
        null,
        0,
        null,
        null,
        false);
  }

  @Test
  void aNamespacedObjectIsNamedByItsKey() {
    ResourceType configMaps = registry.find("", "v1", "configmaps").orElseThrow();
    for (ListOptions o : new ListOptions[] {options(null), options("app=web")}) {
      JsonNode obj = deleted(configMaps, "/registry/core/configmaps/shop/settings", o);
      assertEquals("v1", obj.path("apiVersion").asText());
      assertEquals("ConfigMap", obj.path("kind").asText());
      assertEquals("settings", obj.at("/metadata/name").asText());
      assertEquals("shop", obj.at("/metadata/namespace").asText());
      assertEquals("42", obj.at("/metadata/resourceVersion").asText());
    }
  }

  @Test
  void aTypeServedInAnotherVersionThanStoredIsNamedInTheWatchedVersion() {
    ResourceType hpaV1 =
        registry.find("autoscaling", "v1", "horizontalpodautoscalers").orElseThrow();
    JsonNode obj =
        deleted(hpaV1, "/registry/autoscaling/horizontalpodautoscalers/shop/web", options(null));
    assertEquals("autoscaling/v1", obj.path("apiVersion").asText());
    assertEquals("HorizontalPodAutoscaler", obj.path("kind").asText());
    assertEquals("web", obj.at("/metadata/name").asText());
  }

  @Test
  void aClusterScopedObjectHasNoNamespace() {
    ResourceType roles =
        registry.find("rbac.authorization.k8s.io", "v1", "clusterroles").orElseThrow();
    JsonNode obj =
        deleted(
            roles,
            "/registry/rbac.authorization.k8s.io/clusterroles/viewer",
            new ListOptions(
                LabelSelector.everything(),
                FieldSelector.parse("metadata.name=viewer", "ClusterRole"),
                0,
                null,
                null,
                false));
    assertEquals("rbac.authorization.k8s.io/v1", obj.path("apiVersion").asText());
    assertEquals("ClusterRole", obj.path("kind").asText());
    assertEquals("viewer", obj.at("/metadata/name").asText());
    assertEquals(false, obj.path("metadata").has("namespace"));
  }
}
