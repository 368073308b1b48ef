package dev.flotilla.controller.binding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.controller.runtime.Controller;
import dev.flotilla.controller.runtime.Kinds;
import dev.flotilla.controller.runtime.Reconciler;
import dev.flotilla.controller.runtime.Trees;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Karmada's binding controller plus binding status: turns a scheduled (Cluster)ResourceBinding into
 * one Work per target cluster, removes Works of clusters no longer chosen, aggregates Work status
 * back into the binding and the template, and clears Works before a binding goes.
 */
public final class BindingController implements Reconciler, AutoCloseable {
  public static final String NAME = "binding-controller";

  private final KubernetesClient hub;
  private final Controller controller;
  private final SharedIndexInformer<GenericKubernetesResource> bindings;
  private final SharedIndexInformer<GenericKubernetesResource> clusterBindings;
  private final SharedIndexInformer<GenericKubernetesResource> works;
  private final SharedIndexInformer<GenericKubernetesResource> overrides;
  private final SharedIndexInformer<GenericKubernetesResource> clusterOverrides;
  private final SharedIndexInformer<GenericKubernetesResource> clusters;

  public BindingController(KubernetesClient hub) {
    this.hub = hub;
    this.controller = new Controller(NAME, this, 4);
    this.bindings =
        hub.genericKubernetesResources(Kinds.RESOURCE_BINDING)
            .inAnyNamespace()
            .inform(handler(b -> List.of(BindingKey.of(b))));
    this.clusterBindings =
        hub.genericKubernetesResources(Kinds.CLUSTER_RESOURCE_BINDING)
            .inform(handler(b -> List.of(BindingKey.of(b))));
    this.works =
        hub.genericKubernetesResources(Kinds.WORK)
            .inAnyNamespace()
            .inform(handler(w -> BindingKey.ofWork(w).map(List::of).orElse(List.of())));
    this.overrides =
        hub.genericKubernetesResources(Kinds.OVERRIDE_POLICY)
            .inAnyNamespace()
            .inform(handler(o -> allBindingKeys()));
    this.clusterOverrides =
        hub.genericKubernetesResources(Kinds.CLUSTER_OVERRIDE_POLICY)
            .inform(handler(o -> allBindingKeys()));
    this.clusters = hub.genericKubernetesResources(Kinds.CLUSTER).inform();
    controller.start();
  }

  @Override
  public Result reconcile(String key) {
    BindingKey ref = BindingKey.parse(key);
    GenericKubernetesResource cached =
        (ref.clusterScoped() ? clusterBindings : bindings).getIndexer().getByKey(ref.cacheKey());
    if (cached == null) {
      return Result.DONE;
    }
    ObjectNode binding = Trees.tree(cached);
    List<GenericKubernetesResource> current = worksOf(binding);
    if (binding.path("metadata").has("deletionTimestamp")) {
      return removeWorks(ref, binding, current);
    }
    JsonNode template = WorkWriter.template(hub, binding);
    if (template == null) {
      return Result.DONE; // the template is gone; garbage collection removes the binding
    }
    Map<String, ObjectNode> desired =
        DesiredWorks.of(
            binding,
            template,
            clusterMap(),
            trees(clusterOverrides.getStore().list(), null),
            trees(overrides.getStore().list(), Trees.text(binding, "metadata", "namespace")));
    WorkWriter.sync(hub, desired, current);
    BindingStatus.aggregate(hub, ref, binding, template, current);
    return Result.DONE;
  }

  private Result removeWorks(
      BindingKey ref, ObjectNode binding, List<GenericKubernetesResource> current) {
    if (!current.isEmpty()) {
      for (GenericKubernetesResource w : current) {
        try {
          hub.genericKubernetesResources(Kinds.WORK)
              .inNamespace(w.getMetadata().getNamespace())
              .withName(w.getMetadata().getName())
              .delete();
        } catch (KubernetesClientException e) {
          if (e.getCode() != 404) {
            throw e;
          }
        }
      }
      return Result.after(Duration.ofMillis(300));
    }
    BindingStatus.removeFinalizer(hub, ref, binding);
    return Result.DONE;
  }

  private List<GenericKubernetesResource> worksOf(JsonNode binding) {
    String uid = Trees.text(binding, "metadata", "uid");
    String label = BindingLabels.bindingIdLabel(binding);
    List<GenericKubernetesResource> result = new ArrayList<>();
    for (GenericKubernetesResource w : works.getStore().list()) {
      Map<String, String> labels = w.getMetadata().getLabels();
      if (labels != null && uid != null && uid.equals(labels.get(label))) {
        result.add(w);
      }
    }
    return result;
  }

  private Map<String, JsonNode> clusterMap() {
    Map<String, JsonNode> map = new HashMap<>();
    for (GenericKubernetesResource c : clusters.getStore().list()) {
      map.put(c.getMetadata().getName(), Trees.tree(c));
    }
    return map;
  }

  private static List<JsonNode> trees(List<GenericKubernetesResource> objs, String namespace) {
    List<JsonNode> out = new ArrayList<>();
    for (GenericKubernetesResource o : objs) {
      if (namespace == null || namespace.equals(o.getMetadata().getNamespace())) {
        out.add(Trees.tree(o));
      }
    }
    return out;
  }

  private List<String> allBindingKeys() {
    List<String> keys = new ArrayList<>();
    bindings.getStore().list().forEach(b -> keys.add(BindingKey.of(b)));
    clusterBindings.getStore().list().forEach(b -> keys.add(BindingKey.of(b)));
    return keys;
  }

  private ResourceEventHandler<GenericKubernetesResource> handler(
      java.util.function.Function<GenericKubernetesResource, List<String>> keys) {
    return new dev.flotilla.controller.runtime.EnqueueHandler<>(controller, keys::apply);
  }

  @Override
  public void close() {
    for (SharedIndexInformer<?> i :
        List.of(bindings, clusterBindings, works, overrides, clusterOverrides, clusters)) {
      i.close();
    }
    controller.close();
  }
}
