package dev.flotilla.apiserver.controllers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.ActiveNamespaces;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.objects.CreateIfAbsent;
import dev.flotilla.apiserver.objects.DeleteOptions;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.objects.ListOptions;
import dev.flotilla.apiserver.objects.ListQuery;
import dev.flotilla.apiserver.objects.Meta;
import dev.flotilla.apiserver.objects.ObjectHook;
import dev.flotilla.apiserver.objects.ResourceStorage;
import dev.flotilla.apiserver.objects.StorageKeys;
import dev.flotilla.apiserver.registry.ResourceType;
import dev.flotilla.apiserver.selection.LabelSelector;
import dev.flotilla.apiserver.storage.KeyValue;
import dev.flotilla.apiserver.storage.PrefixFollower;
import java.util.List;
import java.util.Set;

/**
 * Namespace lifecycle: new namespaces are Active with the "kubernetes" finalizer; a deleted one
 * goes Terminating, everything in it is deleted, then the finalizer goes and so does it.
 */
public final class NamespaceController implements AutoCloseable {
  public static final String NAME = "namespace-controller";
  static final String FINALIZER = "kubernetes";

  /** Created at startup, as a cluster has them. */
  public static final List<String> SYSTEM_NAMESPACES =
      List.of("default", "kube-system", "kube-public", "kube-node-lease");

  private final ResourceStorage storage;
  private final ResourceType namespaces;
  private final WorkQueue queue;
  private PrefixFollower watch;
  private volatile boolean leading;

  public NamespaceController(ResourceStorage storage) {
    this.storage = storage;
    this.namespaces = storage.registry().find("", "v1", "namespaces").orElseThrow();
    this.queue = new WorkQueue(NAME, this::reconcile);
    storage.addHook("namespaces", new Admission(storage.activeNamespaces()));
  }

  public void start() {
    for (String ns : SYSTEM_NAMESPACES) {
      if (storage.find(namespaces, null, ns).isEmpty()) {
        ObjectNode obj = Json.MAPPER.createObjectNode();
        Meta.metadata(obj).put("name", ns);
        CreateIfAbsent.create(storage, namespaces, null, obj);
      }
    }
    watch =
        PrefixFollower.start(
            storage.store(),
            StorageKeys.listPrefix(namespaces, null),
            new PrefixFollower.Cache() {
              @Override
              public void put(KeyValue kv) {
                ObjectNode ns = enqueueIfDeleting(kv);
                storage.activeNamespaces().observed(Meta.name(ns), Meta.isDeleting(ns));
              }

              @Override
              public void remove(String key) {
                storage.activeNamespaces().forget(key.substring(key.lastIndexOf('/') + 1));
              }
            });
  }

  private ObjectNode enqueueIfDeleting(KeyValue kv) {
    ObjectNode ns = Json.read(kv.value());
    if (Meta.isDeleting(ns)) {
      queue.add(Meta.name(ns));
    }
    return ns;
  }

  /**
   * Lets this controller write while the returned handle is open (in the replica that leads; see
   * {@link SystemControllers}), first taking up everything pending, as a fresh start would.
   */
  public AutoCloseable lead() {
    leading = true;
    ListQuery.Page page =
        ListQuery.list(
            storage,
            namespaces,
            null,
            new ListOptions(LabelSelector.parse(""), null, 0, null, "", false));
    for (KeyValue kv : page.items()) {
      enqueueIfDeleting(kv);
    }
    return () -> leading = false;
  }

  private long reconcile(String name) {
    ObjectNode ns = leading ? storage.find(namespaces, null, name).orElse(null) : null;
    if (ns == null || !Meta.isDeleting(ns)) {
      return -1;
    }
    int remaining = 0;
    for (ResourceType type : storage.registry().storageTypes()) {
      if (!type.namespaced() || !type.supports("delete")) {
        continue;
      }
      ListQuery.Page page =
          ListQuery.list(
              storage,
              type,
              name,
              new ListOptions(LabelSelector.parse(""), null, 0, null, "", false));
      for (KeyValue kv : page.items()) {
        remaining++;
        ObjectNode obj = Json.read(kv.value());
        if (!Meta.isDeleting(obj)) {
          try {
            storage.delete(type, name, Meta.name(obj), DeleteOptions.DEFAULT);
          } catch (ApiException e) {
            // gone meanwhile; the next pass counts again
          }
        }
      }
    }
    if (remaining > 0) {
      return 250;
    }
    storage
        .guaranteedUpdate(
            namespaces,
            null,
            name,
            0,
            false,
            obj -> {
              JsonNode finalizers = obj.path("spec").path("finalizers");
              if (finalizers instanceof ArrayNode) {
                ArrayNode list = (ArrayNode) finalizers;
                for (int i = list.size() - 1; i >= 0; i--) {
                  if (list.get(i).asText().equals(FINALIZER)) {
                    list.remove(i);
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

  /** Defaults and phase for namespaces; deletion waits for the "kubernetes" finalizer. */
  private static final class Admission implements ObjectHook {
    private final ActiveNamespaces active;

    Admission(ActiveNamespaces active) {
      this.active = active;
    }

    @Override
    public void beforeCreate(ResourceType type, ObjectNode ns) {
      ObjectNode spec = ns.with("spec");
      if (!spec.has("finalizers")) {
        spec.putArray("finalizers").add(FINALIZER);
      }
      ns.with("status").put("phase", "Active");
      Meta.metadata(ns).with("labels").put("kubernetes.io/metadata.name", Meta.name(ns));
    }

    @Override
    public void beforeUpdate(ResourceType type, ObjectNode old, ObjectNode ns) {
      Meta.metadata(ns).with("labels").put("kubernetes.io/metadata.name", Meta.name(ns));
      if (Meta.isDeleting(old)) {
        ns.with("status").put("phase", "Terminating");
        JsonNode before = old.path("spec").path("finalizers");
        for (JsonNode f : ns.path("spec").path("finalizers")) {
          boolean known = false;
          for (JsonNode b : before) {
            known |= b.equals(f);
          }
          if (!known) {
            throw ApiException.invalid(
                type,
                Meta.name(ns),
                "spec.finalizers",
                "Forbidden: no new finalizers can be added if the namespace is being deleted");
          }
        }
      }
    }

    @Override
    public boolean onDeleteRequested(ResourceType type, ObjectNode ns) {
      if (Set.of("default", "kube-system", "kube-public").contains(Meta.name(ns))) {
        throw new ApiException(
            403,
            "Forbidden",
            "namespace \"" + Meta.name(ns) + "\" is forbidden: this namespace may not be deleted");
      }
      active.deleteRequested(Meta.name(ns));
      ns.with("status").put("phase", "Terminating");
      return ns.path("spec").path("finalizers").size() > 0;
    }
  }
}
