package dev.flotilla.controller.runtime;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;

/** Resource templates as the detector's informers cache them. */
@FunctionalInterface
public interface TemplateCache {
  /** The cached template, or null when it is not cached (absent, or its kind not watched). */
  GenericKubernetesResource get(String apiVersion, String kind, String namespace, String name);

  /** A cache that knows nothing, so every read goes to the hub. */
  TemplateCache NONE = (apiVersion, kind, namespace, name) -> null;
}
