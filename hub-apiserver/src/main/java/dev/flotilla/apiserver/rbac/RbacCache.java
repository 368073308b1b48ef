package dev.flotilla.apiserver.rbac;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.objects.StorageKeys;
import dev.flotilla.apiserver.storage.KeyValue;
import dev.flotilla.apiserver.storage.PrefixFollower;
import dev.flotilla.apiserver.storage.Store;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every RBAC object of the store, kept current by one watch on {@code
 * /registry/rbac.authorization.k8s.io/} (an informer, as upstream's RBAC authorizer reads its
 * listers). The watch is delivered before a write is acknowledged, so a client that created a
 * binding is authorized by it on its next request. The {@link RbacIndex} is rebuilt on the first
 * read after a change, never per request.
 */
public final class RbacCache implements AutoCloseable {
  static final String PREFIX = StorageKeys.ROOT + "rbac.authorization.k8s.io/";

  private final Map<String, ObjectNode> clusterRoles = new ConcurrentHashMap<>();
  private final Map<String, ObjectNode> roles = new ConcurrentHashMap<>();
  private final Map<String, ObjectNode> clusterRoleBindings = new ConcurrentHashMap<>();
  private final Map<String, ObjectNode> roleBindings = new ConcurrentHashMap<>();
  private final List<Runnable> clusterRoleListeners = new CopyOnWriteArrayList<>();
  private final AtomicLong changes = new AtomicLong();
  private volatile RbacIndex index;
  private volatile long indexedAt = -1;
  private PrefixFollower watch;

  /** Loads what is stored and follows every later change. */
  public void start(Store store) {
    watch =
        PrefixFollower.start(
            store,
            PREFIX,
            new PrefixFollower.Cache() {
              @Override
              public void put(KeyValue kv) {
                apply(kv.key(), kv.value(), false);
              }

              @Override
              public void remove(String key) {
                apply(key, null, true);
              }
            });
  }

  /** Runs {@code listener} after any ClusterRole changes (on the store's dispatch thread). */
  public void onClusterRoleChange(Runnable listener) {
    clusterRoleListeners.add(listener);
  }

  private void apply(String key, byte[] value, boolean deleted) {
    String rest = key.substring(PREFIX.length());
    int slash = rest.indexOf('/');
    if (slash < 0) {
      return;
    }
    String resource = rest.substring(0, slash);
    String id = rest.substring(slash + 1);
    Map<String, ObjectNode> target =
        switch (resource) {
          case "clusterroles" -> clusterRoles;
          case "roles" -> roles;
          case "clusterrolebindings" -> clusterRoleBindings;
          case "rolebindings" -> roleBindings;
          default -> null;
        };
    if (target == null) {
      return;
    }
    if (deleted) {
      target.remove(id);
    } else {
      target.put(id, Json.read(value));
    }
    changes.incrementAndGet();
    if (target == clusterRoles) {
      clusterRoleListeners.forEach(Runnable::run);
    }
  }

  /** The current snapshot, rebuilt here if anything changed since the last one. */
  public RbacIndex index() {
    RbacIndex current = index;
    long seen = changes.get();
    if (current != null && indexedAt == seen) {
      return current;
    }
    synchronized (this) {
      seen = changes.get();
      if (index == null || indexedAt != seen) {
        index = RbacIndex.build(clusterRoles, roles, clusterRoleBindings, roleBindings);
        indexedAt = seen;
      }
      return index;
    }
  }

  /** The stored ClusterRoles by name (live view; never mutate the objects). */
  public Map<String, ObjectNode> clusterRoles() {
    return clusterRoles;
  }

  @Override
  public void close() {
    if (watch != null) {
      watch.close();
    }
  }
}
