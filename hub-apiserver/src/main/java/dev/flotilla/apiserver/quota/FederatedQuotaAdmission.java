package dev.flotilla.apiserver.quota;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.Admission;
import dev.flotilla.apiserver.objects.ResourceStorage;
import dev.flotilla.apiserver.objects.StorageKeys;
import dev.flotilla.apiserver.registry.ResourceType;
import dev.flotilla.apiserver.storage.KeyValue;
import dev.flotilla.apiserver.storage.Store;
import dev.flotilla.policies.quota.FederatedQuotas;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * FederatedResourceQuota enforcement at the hub, as Karmada 1.14+ enforces {@code spec.overall}: a
 * workload template whose replicas times per-replica requests, with what the namespace's other
 * workload templates ask, would pass a quota's overall limit is refused (403) with a message naming
 * the quota, the resource, the sum and the limit. Writes that ask for no more than before pass, so
 * a namespace already over its limit can still shrink. Only namespaces holding a quota pay for the
 * check (one range read of each workload kind).
 */
public final class FederatedQuotaAdmission implements Admission {
  private static final Set<String> WORKLOADS =
      Set.of("deployments.apps", "statefulsets.apps", "replicasets.apps", "jobs.batch", "pods");

  private final ResourceStorage storage;

  public FederatedQuotaAdmission(ResourceStorage storage) {
    this.storage = storage;
  }

  @Override
  public void validate(Attributes a) {
    if (a.operation() == Operation.DELETE
        || a.subresource() != null
        || a.namespace() == null
        || !WORKLOADS.contains(a.type().groupResource())) {
      return;
    }
    List<ObjectNode> quotas = quotas(a.namespace());
    if (quotas.isEmpty()) {
      return;
    }
    Map<String, BigDecimal> mine = FederatedQuotas.templateUsage(a.object());
    if (mine.isEmpty()) {
      return;
    }
    if (a.oldObject() != null && !grows(FederatedQuotas.templateUsage(a.oldObject()), mine)) {
      return;
    }
    Map<String, BigDecimal> requested = new TreeMap<>(mine);
    for (String groupResource : WORKLOADS) {
      for (ObjectNode other : list(groupResource, a.namespace())) {
        boolean self =
            groupResource.equals(a.type().groupResource())
                && a.name().equals(other.path("metadata").path("name").asText());
        if (!self) {
          FederatedQuotas.add(requested, FederatedQuotas.templateUsage(other));
        }
      }
    }
    for (ObjectNode quota : quotas) {
      Optional<String> why = FederatedQuotas.exceeded(quota, requested);
      if (why.isPresent()) {
        throw a.forbiddenObject(why.get());
      }
    }
  }

  private static boolean grows(Map<String, BigDecimal> before, Map<String, BigDecimal> after) {
    for (Map.Entry<String, BigDecimal> e : after.entrySet()) {
      if (e.getValue().compareTo(before.getOrDefault(e.getKey(), BigDecimal.ZERO)) > 0) {
        return true;
      }
    }
    return false;
  }

  private List<ObjectNode> quotas(String namespace) {
    return storage
        .registry()
        .find("policy.karmada.io", "v1alpha1", "federatedresourcequotas")
        .map(t -> read(t, namespace))
        .orElse(List.of());
  }

  private List<ObjectNode> list(String groupResource, String namespace) {
    int dot = groupResource.indexOf('.');
    String plural = dot < 0 ? groupResource : groupResource.substring(0, dot);
    String group = dot < 0 ? "" : groupResource.substring(dot + 1);
    return storage
        .registry()
        .find(group, "v1", plural)
        .map(t -> read(t, namespace))
        .orElse(List.of());
  }

  private List<ObjectNode> read(ResourceType type, String namespace) {
    String prefix = StorageKeys.listPrefix(type, namespace);
    List<ObjectNode> out = new ArrayList<>();
    for (KeyValue kv : storage.store().range(prefix, Store.prefixEnd(prefix), 0, 0).items()) {
      out.add(storage.toVersion(type, kv.value()));
    }
    return out;
  }
}
