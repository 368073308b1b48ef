package dev.flotilla.controller.runtime;

import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether a kind is namespaced, from the hub's discovery, remembered once known (a kind's scope
 * never changes: a CRD's scope is immutable), so checks before a template read cost a map lookup.
 */
public final class KindScopes {
  private final KubernetesClient hub;
  private final Map<String, Boolean> known = new ConcurrentHashMap<>();

  public KindScopes(KubernetesClient hub) {
    this.hub = hub;
  }

  /** True when namespaced, false when cluster-scoped, empty when the hub does not serve it. */
  public Optional<Boolean> namespaced(String apiVersion, String kind) {
    String key = apiVersion + "/" + kind;
    Boolean cached = known.get(key);
    if (cached != null) {
      return Optional.of(cached);
    }
    APIResourceList list;
    try {
      list = hub.getApiResources(apiVersion);
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return Optional.empty();
      }
      throw e;
    }
    if (list == null) {
      return Optional.empty();
    }
    for (APIResource r : list.getResources()) {
      if (kind.equals(r.getKind()) && !r.getName().contains("/")) {
        known.put(key, Boolean.TRUE.equals(r.getNamespaced()));
        return Optional.of(known.get(key));
      }
    }
    return Optional.empty();
  }
}
