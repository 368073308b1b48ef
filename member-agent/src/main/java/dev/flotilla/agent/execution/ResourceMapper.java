package dev.flotilla.agent.execution;

import dev.flotilla.agent.kube.ApiErrors;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Maps apiVersion + kind to the member's resource (plural, scope) through the member's discovery,
 * cached per group-version. A miss re-reads that group-version once, so kinds from a CRD the agent
 * just applied are found without a restart.
 */
final class ResourceMapper {
  private final KubernetesClient member;
  private final Map<String, Map<String, Gvr>> byGroupVersion = new ConcurrentHashMap<>();

  ResourceMapper(KubernetesClient member) {
    this.member = member;
  }

  /** The member resource for a kind, or empty when the member does not serve it. */
  Optional<Gvr> find(String apiVersion, String kind) {
    if (apiVersion == null || kind == null) {
      return Optional.empty();
    }
    Gvr cached = byGroupVersion.computeIfAbsent(apiVersion, this::read).get(kind);
    if (cached != null) {
      return Optional.of(cached);
    }
    Map<String, Gvr> fresh = read(apiVersion);
    byGroupVersion.put(apiVersion, fresh);
    return Optional.ofNullable(fresh.get(kind));
  }

  /** Forgets a group-version (after applying a CRD that changes it). */
  void invalidate(String groupVersion) {
    byGroupVersion.remove(groupVersion);
  }

  private Map<String, Gvr> read(String apiVersion) {
    APIResourceList list;
    try {
      list = member.getApiResources(apiVersion);
    } catch (RuntimeException e) {
      if (ApiErrors.isNotFound(e)) {
        return Map.of();
      }
      throw e;
    }
    Map<String, Gvr> out = new ConcurrentHashMap<>();
    if (list == null) {
      return out;
    }
    String group = ObjectKey.groupOf(apiVersion);
    String version = ObjectKey.versionOf(apiVersion);
    for (APIResource r : list.getResources()) {
      if (!r.getName().contains("/")) {
        out.putIfAbsent(
            r.getKind(),
            new Gvr(
                group, version, r.getName(), r.getKind(), Boolean.TRUE.equals(r.getNamespaced())));
      }
    }
    return out;
  }
}
