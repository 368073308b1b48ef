package dev.flotilla.controller.runtime;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/** Namespaces the controllers write into and so create when they are missing. */
public final class Namespaces {
  private Namespaces() {}

  /** Creates {@code name} unless it exists; a concurrent creation by another writer is fine. */
  public static void ensure(KubernetesClient hub, String name) {
    if (hub.namespaces().withName(name).get() != null) {
      return;
    }
    try {
      hub.namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
          .create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
  }
}
