package dev.flotilla.apiserver.controllers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.objects.Meta;
import dev.flotilla.apiserver.objects.ResourceStorage;
import dev.flotilla.apiserver.registry.ResourceType;

/**
 * A controller that keeps one object of a given name in every live namespace, as
 * kube-controller-manager's root-ca-cert-publisher and serviceaccount controllers do: it reacts to
 * new namespaces and to the object's changes or deletion, and {@link #reconcile} creates or repairs
 * it.
 */
abstract class PerNamespaceObject extends StoreDrivenController {
  protected final ResourceType type;
  private final ResourceType namespaces;
  private final String objectName;

  PerNamespaceObject(ResourceStorage storage, ResourceType type, String objectName, String name) {
    super(storage, name);
    this.type = type;
    this.objectName = objectName;
    this.namespaces = storage.registry().find("", "v1", "namespaces").orElseThrow();
  }

  public void start() {
    follow(namespaces, null, true, PUTS);
    follow(
        type,
        null,
        false,
        (rest, event) -> {
          int slash = rest.indexOf('/');
          return slash > 0 && rest.substring(slash + 1).equals(objectName)
              ? rest.substring(0, slash)
              : null;
        });
  }

  @Override
  protected long reconcile(String namespace) {
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
}
