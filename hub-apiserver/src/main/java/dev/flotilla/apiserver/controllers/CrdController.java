package dev.flotilla.apiserver.controllers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.DeleteOptions;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.objects.ListOptions;
import dev.flotilla.apiserver.objects.ListQuery;
import dev.flotilla.apiserver.objects.Meta;
import dev.flotilla.apiserver.objects.ResourceStorage;
import dev.flotilla.apiserver.registry.ResourceType;
import dev.flotilla.apiserver.selection.LabelSelector;
import dev.flotilla.apiserver.storage.KeyValue;
import dev.flotilla.apiserver.storage.PrefixFollower;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves what CustomResourceDefinitions declare: their types are registered synchronously with the
 * store event (so a CRD is usable as soon as its create is acknowledged), and a deleted CRD has its
 * custom resources removed before its cleanup finalizer goes.
 */
public final class CrdController implements AutoCloseable {
  public static final String NAME = "crd-controller";

  private final ResourceStorage storage;
  private final ResourceType crdType;
  private final Map<String, JsonNode> crds = new ConcurrentHashMap<>();
  private final WorkQueue queue;
  private PrefixFollower watch;
  private volatile boolean leading;

  public CrdController(ResourceStorage storage) {
    this.storage = storage;
    this.crdType =
        storage
            .registry()
            .find("apiextensions.k8s.io", "v1", "customresourcedefinitions")
            .orElseThrow();
    this.queue = new WorkQueue(NAME, this::reconcile);
    storage.addHook(crdType.groupResource(), new CrdAdmission(storage.registry()));
  }

  /** Registers every stored CRD, then follows changes. */
  public void start() {
    String prefix = dev.flotilla.apiserver.objects.StorageKeys.listPrefix(crdType, null);
    watch =
        PrefixFollower.start(
            storage.store(),
            prefix,
            new PrefixFollower.Cache() {
              @Override
              public void put(KeyValue kv) {
                apply(Json.read(kv.value()));
              }

              @Override
              public void remove(String key) {
                String name = key.substring(prefix.length());
                crds.remove(name);
                storage.registry().setCustom(name, List.of());
              }
            });
  }

  /**
   * Lets this controller write while the returned handle is open (in the replica that leads; see
   * {@link SystemControllers}), first taking up everything pending, as a fresh start would.
   */
  public AutoCloseable lead() {
    leading = true;
    crds.forEach(
        (name, crd) -> {
          if (Meta.isDeleting((ObjectNode) crd)) {
            queue.add(name);
          }
        });
    return () -> leading = false;
  }

  /** The openAPIV3Schema a served CRD version declares. */
  public Optional<JsonNode> schema(ResourceType type) {
    JsonNode crd = crds.get(type.groupResource());
    if (crd == null) {
      return Optional.empty();
    }
    JsonNode schema = CrdTypes.schema(crd, type.version());
    return schema.isMissingNode() ? Optional.empty() : Optional.of(schema);
  }

  private void apply(ObjectNode crd) {
    String name = Meta.name(crd);
    crds.put(name, crd);
    storage.registry().setCustom(name, CrdTypes.of(crd));
    if (Meta.isDeleting(crd)) {
      queue.add(name);
    }
  }

  /** Deletes the CRD's objects; once none remain, drops the cleanup finalizer. */
  private long reconcile(String name) {
    JsonNode crd = crds.get(name);
    if (!leading || crd == null || !Meta.isDeleting((ObjectNode) crd)) {
      return -1;
    }
    List<ResourceType> types = CrdTypes.of(crd);
    ResourceType stored =
        types.stream()
            .filter(ResourceType::storageVersion)
            .findFirst()
            .orElse(types.isEmpty() ? null : types.get(0));
    if (stored != null) {
      ListQuery.Page remaining =
          ListQuery.list(
              storage,
              stored,
              null,
              new ListOptions(LabelSelector.parse(""), null, 0, null, "", false));
      if (!remaining.items().isEmpty()) {
        for (KeyValue kv : remaining.items()) {
          ObjectNode obj = Json.read(kv.value());
          if (!Meta.isDeleting(obj)) {
            storage.delete(stored, Meta.namespace(obj), Meta.name(obj), DeleteOptions.DEFAULT);
          }
        }
        return 200;
      }
    }
    storage
        .guaranteedUpdate(
            crdType,
            null,
            name,
            0,
            false,
            obj -> {
              ArrayNode finalizers = Meta.finalizers(obj);
              if (finalizers != null) {
                for (int i = finalizers.size() - 1; i >= 0; i--) {
                  if (finalizers.get(i).asText().equals(CrdAdmission.CLEANUP_FINALIZER)) {
                    finalizers.remove(i);
                  }
                }
              }
              return obj;
            })
        .join();
    return -1;
  }

  @Override
  public void close() {
    if (watch != null) {
      watch.close();
    }
    queue.close();
  }
}
