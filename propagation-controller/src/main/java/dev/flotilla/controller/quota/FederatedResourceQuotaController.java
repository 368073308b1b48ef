package dev.flotilla.controller.quota;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.controller.runtime.Controller;
import dev.flotilla.controller.runtime.HubInformers;
import dev.flotilla.controller.runtime.Kinds;
import dev.flotilla.controller.runtime.Reconciler;
import dev.flotilla.controller.runtime.Trees;
import dev.flotilla.policies.names.Names;
import dev.flotilla.policies.quota.FederatedQuotas;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Karmada's federated-resource-quota sync and status controllers in one: each static assignment of
 * a FederatedResourceQuota becomes a Work carrying a ResourceQuota of the quota's name to that
 * member (Works of dropped assignments and deleted quotas go), and the members' reported
 * ResourceQuota statuses come back as {@code aggregatedStatus} and {@code overallUsed}.
 */
public final class FederatedResourceQuotaController implements Reconciler, AutoCloseable {
  public static final String NAME = "federated-resource-quota";

  private final KubernetesClient hub;
  private final Controller controller;
  private final SharedIndexInformer<GenericKubernetesResource> quotas;
  private final SharedIndexInformer<GenericKubernetesResource> works;

  public FederatedResourceQuotaController(KubernetesClient hub, HubInformers informers) {
    this.hub = hub;
    this.controller = new Controller(NAME, this, 2);
    this.quotas = informers.inform(Kinds.FEDERATED_RESOURCE_QUOTA, handler(false));
    // Only the quotas' own Works: a decoded copy of every Work of the fleet was the largest thing
    // on a big hub's heap (10 KiB per Work, 100,000 Works at 10,000 templates x 10 clusters).
    this.works = informers.informLabelled(Kinds.WORK, FederatedQuotas.NAME_LABEL, handler(true));
    informers.whenSynced(controller::start);
  }

  private ResourceEventHandler<GenericKubernetesResource> handler(boolean work) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(GenericKubernetesResource obj) {
        enqueue(obj);
      }

      @Override
      public void onUpdate(GenericKubernetesResource old, GenericKubernetesResource obj) {
        enqueue(obj);
      }

      @Override
      public void onDelete(GenericKubernetesResource obj, boolean unknown) {
        enqueue(obj);
      }

      private void enqueue(GenericKubernetesResource obj) {
        if (!work) {
          controller.enqueue(obj.getMetadata().getNamespace() + "/" + obj.getMetadata().getName());
          return;
        }
        Map<String, String> labels = obj.getMetadata().getLabels();
        if (labels != null && labels.containsKey(FederatedQuotas.NAME_LABEL)) {
          controller.enqueue(
              labels.get(FederatedQuotas.NAMESPACE_LABEL)
                  + "/"
                  + labels.get(FederatedQuotas.NAME_LABEL));
        }
      }
    };
  }

  @Override
  public Result reconcile(String key) {
    GenericKubernetesResource cached = quotas.getIndexer().getByKey(key);
    String namespace = key.substring(0, key.indexOf('/'));
    String name = key.substring(key.indexOf('/') + 1);
    Map<String, GenericKubernetesResource> existing = worksOf(namespace, name);
    if (cached == null || cached.getMetadata().getDeletionTimestamp() != null) {
      existing.values().forEach(this::delete);
      return Result.DONE;
    }
    ObjectNode quota = Trees.tree(cached);
    boolean waiting = false;
    Map<String, JsonNode> assignments = new LinkedHashMap<>();
    for (JsonNode a : quota.path("spec").path("staticAssignments")) {
      assignments.put(a.path("clusterName").asText(), a);
    }
    for (Map.Entry<String, JsonNode> a : assignments.entrySet()) {
      waiting |= !sync(quota, a.getKey(), a.getValue(), existing.get(a.getKey()));
    }
    existing.forEach(
        (cluster, w) -> {
          if (!assignments.containsKey(cluster)) {
            delete(w);
          }
        });
    List<Map.Entry<String, JsonNode>> statuses = new ArrayList<>();
    for (String cluster : assignments.keySet()) {
      GenericKubernetesResource w = existing.get(cluster);
      JsonNode s =
          w == null
              ? null
              : Trees.tree(w).path("status").path("manifestStatuses").path(0).get("status");
      statuses.add(Map.entry(cluster, s == null ? Trees.MAPPER.nullNode() : s));
    }
    ObjectNode status = FederatedQuotas.status(quota, statuses);
    if (!Trees.same(status, quota.path("status"))) {
      ObjectNode next = quota.deepCopy();
      next.set("status", status);
      try {
        hub.genericKubernetesResources(Kinds.FEDERATED_RESOURCE_QUOTA)
            .inNamespace(namespace)
            .resource(Trees.generic(next))
            .updateStatus();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 && e.getCode() != 404) {
          throw e;
        }
        return Result.after(Duration.ofSeconds(1)); // the cache is behind: look again
      }
    }
    return waiting ? Result.after(Duration.ofSeconds(15)) : Result.DONE;
  }

  /** Brings one member's Work in line; false when the member has no execution namespace yet. */
  private boolean sync(
      ObjectNode quota, String cluster, JsonNode assignment, GenericKubernetesResource current) {
    ObjectNode work = Trees.MAPPER.createObjectNode();
    work.put("apiVersion", "work.karmada.io/v1alpha1");
    work.put("kind", "Work");
    ObjectNode meta = work.putObject("metadata");
    meta.put("name", FederatedQuotas.workName(quota));
    meta.put("namespace", Names.executionNamespace(cluster));
    ObjectNode labels = meta.putObject("labels");
    labels.put(FederatedQuotas.NAMESPACE_LABEL, Trees.text(quota, "metadata", "namespace"));
    labels.put(FederatedQuotas.NAME_LABEL, Trees.text(quota, "metadata", "name"));
    work.putObject("spec")
        .putObject("workload")
        .putArray("manifests")
        .add(FederatedQuotas.resourceQuota(quota, assignment));
    var resources =
        hub.genericKubernetesResources(Kinds.WORK).inNamespace(Names.executionNamespace(cluster));
    try {
      if (current == null) {
        resources.resource(Trees.generic(work)).create();
      } else if (!Trees.same(work.path("spec"), Trees.tree(current).path("spec"))
          || !Trees.same(labels, Trees.tree(current).path("metadata").path("labels"))) {
        ObjectNode next = Trees.tree(current);
        next.set("spec", work.get("spec"));
        next.with("metadata").set("labels", labels);
        resources.resource(Trees.generic(next)).update();
      }
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return false; // the cluster has not joined (yet): no execution namespace
      }
      if (e.getCode() == 409) {
        return false; // created or changed meanwhile; the informer brings it back
      }
      throw e;
    }
  }

  /** The quota's Works by cluster, from the informer. */
  private Map<String, GenericKubernetesResource> worksOf(String namespace, String name) {
    Map<String, GenericKubernetesResource> out = new LinkedHashMap<>();
    for (GenericKubernetesResource w : works.getStore().list()) {
      Map<String, String> labels = w.getMetadata().getLabels();
      if (labels != null
          && name.equals(labels.get(FederatedQuotas.NAME_LABEL))
          && namespace.equals(labels.get(FederatedQuotas.NAMESPACE_LABEL))) {
        Names.clusterOf(w.getMetadata().getNamespace()).ifPresent(c -> out.put(c, w));
      }
    }
    return out;
  }

  private void delete(GenericKubernetesResource w) {
    hub.genericKubernetesResources(Kinds.WORK)
        .inNamespace(w.getMetadata().getNamespace())
        .withName(w.getMetadata().getName())
        .delete();
  }

  @Override
  public void close() {
    controller.close();
  }
}
