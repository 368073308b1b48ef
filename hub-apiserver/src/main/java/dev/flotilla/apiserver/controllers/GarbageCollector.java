package dev.flotilla.apiserver.controllers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.objects.DeleteOptions;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.objects.Meta;
import dev.flotilla.apiserver.objects.ResourceStorage;
import dev.flotilla.apiserver.objects.StorageKeys;
import dev.flotilla.apiserver.registry.ResourceType;
import dev.flotilla.apiserver.storage.KeyValue;
import dev.flotilla.apiserver.storage.PrefixFollower;
import dev.flotilla.apiserver.storage.RangeResult;
import dev.flotilla.apiserver.storage.Store;
import dev.flotilla.apiserver.storage.StoreEvent;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Garbage collection by ownerReferences, as kube-controller-manager does it: dependents of a
 * deleted owner are deleted (or lose the reference while other owners live), "orphan" deletion
 * strips references, and "foregroundDeletion" waits until the dependents are gone.
 */
public final class GarbageCollector implements AutoCloseable {
  public static final String NAME = "garbage-collector";

  private static final int START_PAGE = 1000;

  private final ResourceStorage storage;

  /** Graph bookkeeping runs on its own thread, off the store's writer thread. */
  private final ExecutorService graphThread =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, NAME + "-graph");
            t.setDaemon(true);
            return t;
          });

  private final Map<String, String> keyByUid = new HashMap<>();
  private final Map<String, Set<String>> dependentsByOwner = new HashMap<>();
  private final Map<String, Set<String>> ownersByKey = new HashMap<>();
  private final WorkQueue queue;
  private Store.Watch watch;

  public GarbageCollector(ResourceStorage storage) {
    this.storage = storage;
    this.queue = new WorkQueue(NAME, this::reconcile);
  }

  /**
   * The graph is built from metadata alone (uids, owners, deletion): every stored object passes
   * through it at start and on each write, and a full parse of each (a Work's manifests, a
   * template's spec) was most of its cost.
   */
  private static final Set<String> METADATA = Set.of("metadata");

  public void start() {
    // In pages at one revision, on the graph thread (ahead of the watch's events): the graph needs
    // every object once, never all their values at once.
    String end = Store.prefixEnd(StorageKeys.ROOT);
    RangeResult first = storage.store().range(StorageKeys.ROOT, end, 0, START_PAGE);
    long revision = first.revision();
    graphThread.execute(
        () -> {
          // From scratch, also when listing again after the store lost history: what is no longer
          // listed is gone, and its dependents show up below as orphans.
          synchronized (this) {
            keyByUid.clear();
            dependentsByOwner.clear();
            ownersByKey.clear();
          }
          RangeResult page = first;
          while (true) {
            List<KeyValue> items = page.items();
            for (KeyValue kv : items) {
              track(kv.key(), Json.readFields(kv.value(), METADATA));
            }
            if (!page.more() || items.isEmpty()) {
              break;
            }
            String next = items.get(items.size() - 1).key() + "\0";
            page = storage.store().range(next, end, revision, START_PAGE);
          }
          for (Map.Entry<String, Set<String>> e : Map.copyOf(ownersByKey).entrySet()) {
            for (String owner : e.getValue()) {
              if (!keyByUid.containsKey(owner)) {
                queue.add(e.getKey());
              }
            }
          }
        });
    watch =
        storage
            .store()
            .watch(
                StorageKeys.ROOT,
                revision,
                (StoreEvent e) -> graphThread.execute(() -> onEvent(e)),
                PrefixFollower.relistLater(NAME, this::start));
  }

  private void onEvent(StoreEvent e) {
    String key = e.kv().key();
    if (e.type() == StoreEvent.Type.DELETE) {
      String uid = untrack(key, e.kv().value());
      if (uid != null) {
        for (String dependent : dependentsByOwner.getOrDefault(uid, Set.of())) {
          queue.add(dependent);
        }
      }
      return;
    }
    ObjectNode obj = Json.readFields(e.kv().value(), METADATA);
    track(key, obj);
    if (Meta.isDeleting(obj)) {
      queue.add(key);
    }
    for (String owner : ownersByKey.getOrDefault(key, Set.of())) {
      String ownerKey = keyByUid.get(owner);
      if (ownerKey == null) {
        queue.add(key);
      } else {
        queue.add(ownerKey); // a foreground-deleting owner may be waiting on this dependent
      }
    }
  }

  private synchronized void track(String key, ObjectNode obj) {
    String uid = Meta.uid(obj);
    if (uid != null) {
      keyByUid.put(uid, key);
    }
    Set<String> owners = new HashSet<>();
    for (JsonNode ref : obj.path("metadata").path("ownerReferences")) {
      owners.add(ref.path("uid").asText());
    }
    Set<String> before = ownersByKey.remove(key);
    if (before != null) {
      before.forEach(o -> removeDependent(o, key));
    }
    if (!owners.isEmpty()) {
      ownersByKey.put(key, owners);
      owners.forEach(o -> dependentsByOwner.computeIfAbsent(o, x -> new HashSet<>()).add(key));
    }
  }

  /**
   * Forgets the object deleted at {@code key}; returns its uid, or null when it was not tracked.
   * {@code value} is its last value, or empty where the store's delete event carries none (etcd
   * when the previous value was compacted away, or a delete made through another hub): then its uid
   * is found by key, a scan of the graph, as such deletes are rare.
   */
  private synchronized String untrack(String key, byte[] value) {
    String uid =
        value == null || value.length == 0
            ? uidAt(key)
            : Meta.uid(Json.readFields(value, METADATA));
    if (uid != null && key.equals(keyByUid.get(uid))) {
      keyByUid.remove(uid);
    }
    Set<String> owners = ownersByKey.remove(key);
    if (owners != null) {
      owners.forEach(o -> removeDependent(o, key));
    }
    return uid;
  }

  private String uidAt(String key) {
    for (Map.Entry<String, String> e : keyByUid.entrySet()) {
      if (e.getValue().equals(key)) {
        return e.getKey();
      }
    }
    return null;
  }

  private void removeDependent(String owner, String key) {
    Set<String> deps = dependentsByOwner.get(owner);
    if (deps != null) {
      deps.remove(key);
      if (deps.isEmpty()) {
        dependentsByOwner.remove(owner);
      }
    }
  }

  /**
   * One object: finish its own orphan/foreground deletion, or collect it if its owners are gone.
   */
  private long reconcile(String key) {
    KeyValue kv = storage.store().get(key).orElse(null);
    ResourceType type = typeOf(key);
    if (kv == null || type == null) {
      return -1;
    }
    ObjectNode obj = Json.read(kv.value());
    if (Meta.isDeleting(obj)) {
      return finishDeletion(type, obj);
    }
    Set<String> dangling = new HashSet<>();
    int owners = 0;
    synchronized (this) {
      for (JsonNode ref : obj.path("metadata").path("ownerReferences")) {
        owners++;
        if (!keyByUid.containsKey(ref.path("uid").asText())) {
          dangling.add(ref.path("uid").asText());
        }
      }
    }
    if (dangling.isEmpty()) {
      return -1;
    }
    if (dangling.size() == owners) {
      ignoreNotFound(
          () ->
              storage
                  .delete(
                      type,
                      Meta.namespace(obj),
                      Meta.name(obj),
                      new DeleteOptions("Background", Meta.uid(obj), null, false))
                  .join());
    } else {
      removeOwnerRefs(type, obj, dangling);
    }
    return -1;
  }

  private long finishDeletion(ResourceType type, ObjectNode obj) {
    boolean orphan = hasFinalizer(obj, "orphan");
    boolean foreground = hasFinalizer(obj, "foregroundDeletion");
    if (!orphan && !foreground) {
      return -1;
    }
    Set<String> dependents;
    synchronized (this) {
      dependents = new HashSet<>(dependentsByOwner.getOrDefault(Meta.uid(obj), Set.of()));
    }
    for (String dep : dependents) {
      ResourceType depType = typeOf(dep);
      ObjectNode d = storage.store().get(dep).map(kv -> Json.read(kv.value())).orElse(null);
      if (d == null || depType == null) {
        continue;
      }
      if (orphan) {
        removeOwnerRefs(depType, d, Set.of(Meta.uid(obj)));
      } else if (!Meta.isDeleting(d)) {
        ignoreNotFound(
            () ->
                storage
                    .delete(
                        depType,
                        Meta.namespace(d),
                        Meta.name(d),
                        new DeleteOptions("Foreground", null, null, false))
                    .join());
      }
    }
    if (foreground && !dependents.isEmpty()) {
      return 200; // wait until the dependents are gone
    }
    ignoreNotFound(
        () ->
            storage
                .guaranteedUpdate(
                    type,
                    Meta.namespace(obj),
                    Meta.name(obj),
                    0,
                    false,
                    o -> {
                      ArrayNode f = Meta.finalizers(o);
                      for (int i = f.size() - 1; i >= 0; i--) {
                        String name = f.get(i).asText();
                        if (name.equals("orphan") || name.equals("foregroundDeletion")) {
                          f.remove(i);
                        }
                      }
                      return o;
                    })
                .join());
    return -1;
  }

  private void removeOwnerRefs(ResourceType type, ObjectNode obj, Set<String> uids) {
    ignoreNotFound(
        () ->
            storage
                .guaranteedUpdate(
                    type,
                    Meta.namespace(obj),
                    Meta.name(obj),
                    0,
                    false,
                    o -> {
                      JsonNode refs = Meta.metadata(o).path("ownerReferences");
                      if (refs instanceof ArrayNode) {
                        ArrayNode list = (ArrayNode) refs;
                        for (int i = list.size() - 1; i >= 0; i--) {
                          if (uids.contains(list.get(i).path("uid").asText())) {
                            list.remove(i);
                          }
                        }
                        if (list.isEmpty()) {
                          Meta.metadata(o).remove("ownerReferences");
                        }
                      }
                      return o;
                    })
                .join());
  }

  private static boolean hasFinalizer(ObjectNode obj, String name) {
    ArrayNode f = Meta.finalizers(obj);
    if (f != null) {
      for (JsonNode n : f) {
        if (n.asText().equals(name)) {
          return true;
        }
      }
    }
    return false;
  }

  /** "/registry/<group>/<plural>/..." to its storage type. */
  private ResourceType typeOf(String key) {
    String[] parts = key.substring(StorageKeys.ROOT.length()).split("/");
    return parts.length < 3
        ? null
        : storage.registry().storageTypeOf(parts[0], parts[1]).orElse(null);
  }

  private static void ignoreNotFound(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      RuntimeException cause = ResourceStorage.unwrap(e);
      if (!(cause instanceof ApiException)
          || ((ApiException) cause).code() != 404 && ((ApiException) cause).code() != 409) {
        throw cause;
      }
    }
  }

  @Override
  public void close() {
    if (watch != null) {
      watch.close();
    }
    graphThread.shutdownNow();
    queue.close();
  }

  /** For tests and metrics: how many owners have tracked dependents. */
  synchronized int ownersTracked() {
    return dependentsByOwner.size();
  }
}
