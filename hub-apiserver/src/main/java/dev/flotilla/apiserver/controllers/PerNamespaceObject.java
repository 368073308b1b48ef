package dev.flotilla.apiserver.controllers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.objects.Meta;
import dev.flotilla.apiserver.objects.ResourceStorage;
import dev.flotilla.apiserver.objects.StorageKeys;
import dev.flotilla.apiserver.registry.ResourceType;
import dev.flotilla.apiserver.storage.KeyValue;
import dev.flotilla.apiserver.storage.PrefixFollower;
import java.util.ArrayList;
import java.util.List;

/**
 * A controller that keeps one object of a given name in every live namespace, as
 * kube-controller-manager's root-ca-cert-publisher and serviceaccount controllers do: it reacts to
 * new namespaces and to the object's changes or deletion, and {@link #reconcile} creates or repairs
 * it.
 */
abstract class PerNamespaceObject implements AutoCloseable {
  protected final ResourceStorage storage;
  protected final ResourceType type;
  private final ResourceType namespaces;
  private final String objectName;
  private final WorkQueue queue;
  private final List<PrefixFollower> watches = new ArrayList<>();

  PerNamespaceObject(ResourceStorage storage, ResourceType type, String objectName, String name) {
    this.storage = storage;
    this.type = type;
    this.objectName = objectName;
    this.namespaces = storage.registry().find("", "v1", "namespaces").orElseThrow();
    this.queue = new WorkQueue(name, this::reconcileNamespace);
  }

  public void start() {
    String nsPrefix = StorageKeys.listPrefix(namespaces, null);
    String objPrefix = StorageKeys.listPrefix(type, null);
    watches.add(
        PrefixFollower.start(
            storage.store(),
            nsPrefix,
            new PrefixFollower.Cache() {
              @Override
              public void put(KeyValue kv) {
                queue.add(kv.key().substring(nsPrefix.length()));
              }

              @Override
              public void remove(String key) {}
            }));
    watches.add(
        PrefixFollower.start(
            storage.store(),
            objPrefix,
            new PrefixFollower.Cache() {
              @Override
              public void put(KeyValue kv) {
                remove(kv.key());
              }

              @Override
              public void remove(String key) {
                String rest = key.substring(objPrefix.length());
                int slash = rest.indexOf('/');
                if (slash > 0 && rest.substring(slash + 1).equals(objectName)) {
                  queue.add(rest.substring(0, slash));
                }
              }
            }));
  }

  private long reconcileNamespace(String namespace) {
    ObjectNode ns = storage.find(namespaces, null, namespace).orElse(null);
    if (ns == null || Meta.isDeleting(ns)) {
      return -1;
    }
    ObjectNode current = storage.find(type, namespace, objectName).orElse(null);
    if (current != null) {
      repair(namespace, current);
      return -1;
    }
    try {
      storage.create(type, namespace, desired(namespace), false).join();
    } catch (RuntimeException e) {
      RuntimeException cause = ResourceStorage.unwrap(e);
      // The namespace went away or is terminating meanwhile, or a namesake just appeared.
      if (cause instanceof ApiException api
          && (api.code() == 404 || api.code() == 403 || api.code() == 409)) {
        return -1;
      }
      throw cause;
    }
    return -1;
  }

  /** The object to create in {@code namespace}. */
  protected abstract ObjectNode desired(String namespace);

  /** Puts an existing object right, if it needs it; nothing by default. */
  protected void repair(String namespace, ObjectNode current) {}

  @Override
  public void close() {
    watches.forEach(PrefixFollower::close);
    queue.close();
  }
}
