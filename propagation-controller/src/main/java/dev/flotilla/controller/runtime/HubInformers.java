package dev.flotilla.controller.runtime;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One informer per hub kind, shared by the controllers of one manager: each adds its own handler,
 * and the hub streams (and this process caches) every binding or Cluster once, not once per
 * controller. Their caches never show an object the client could not decode (it is skipped and
 * reported, see {@link DecodeGuard}).
 */
public final class HubInformers implements AutoCloseable {
  private static final java.util.Set<String> COMPACT =
      java.util.Set.of(
          Kinds.RESOURCE_BINDING.getPlural(), Kinds.CLUSTER_RESOURCE_BINDING.getPlural());

  /**
   * Informers list in pages: one response holding every binding (or Work) of a large hub would take
   * hundreds of MiB on both sides at once, as a restart's first list does.
   */
  public static final long LIST_PAGE = 500;

  private final KubernetesClient hub;
  private final Map<String, SharedIndexInformer<GenericKubernetesResource>> byKind =
      new ConcurrentHashMap<>();

  public HubInformers(KubernetesClient hub) {
    this.hub = hub;
  }

  /** The shared informer of a kind (all namespaces), started on first use; handler may be null. */
  public synchronized SharedIndexInformer<GenericKubernetesResource> inform(
      ResourceDefinitionContext kind, ResourceEventHandler<GenericKubernetesResource> handler) {
    String key = kind.getGroup() + "/" + kind.getVersion() + "/" + kind.getPlural();
    SharedIndexInformer<GenericKubernetesResource> informer = byKind.get(key);
    if (informer == null) {
      var resources = hub.genericKubernetesResources(kind);
      informer =
          kind.isNamespaceScoped()
              ? resources.inAnyNamespace().withLimit(LIST_PAGE).runnableInformer(0)
              : resources.withLimit(LIST_PAGE).runnableInformer(0);
      // Bindings are as many as templates: kept compact. Clusters and policies are few and read
      // whole on every reconcile, so they stay decoded.
      informer.itemStore(
          COMPACT.contains(kind.getPlural()) ? new CompactItemStore() : new SkippingItemStore<>());
      if (handler != null) {
        informer.addEventHandler(handler);
      }
      informer.run();
      byKind.put(key, informer);
    } else if (handler != null) {
      informer.addEventHandler(handler);
    }
    return informer;
  }

  /**
   * The shared informer of the objects of a kind that carry {@code label} (any value), all
   * namespaces; handler may be null. For a controller that looks at a few objects of a kind the hub
   * holds by the hundred thousand (a quota's Works among every Work of the fleet): the hub filters,
   * so this process neither receives nor caches the rest.
   */
  public synchronized SharedIndexInformer<GenericKubernetesResource> informLabelled(
      ResourceDefinitionContext kind,
      String label,
      ResourceEventHandler<GenericKubernetesResource> handler) {
    String key = kind.getGroup() + "/" + kind.getVersion() + "/" + kind.getPlural() + "?" + label;
    SharedIndexInformer<GenericKubernetesResource> informer = byKind.get(key);
    if (informer == null) {
      var resources = hub.genericKubernetesResources(kind);
      informer =
          (kind.isNamespaceScoped()
                  ? resources.inAnyNamespace().withLabel(label)
                  : resources.withLabel(label))
              .withLimit(LIST_PAGE)
              .runnableInformer(0);
      informer.itemStore(new SkippingItemStore<>());
      if (handler != null) {
        informer.addEventHandler(handler);
      }
      informer.run();
      byKind.put(key, informer);
    } else if (handler != null) {
      informer.addEventHandler(handler);
    }
    return informer;
  }

  @Override
  public void close() {
    byKind.values().forEach(SharedIndexInformer::close);
    byKind.clear();
  }
}
