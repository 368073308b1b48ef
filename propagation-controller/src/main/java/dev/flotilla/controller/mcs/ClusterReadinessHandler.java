package dev.flotilla.controller.mcs;

import dev.flotilla.controller.runtime.Controller;
import dev.flotilla.controller.runtime.Trees;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Keeps the set of Ready clusters and enqueues the services a cluster exports when its Ready
 * condition changes, and only then: agents rewrite Cluster status every few seconds, and re-merging
 * every service of the fleet on each of those writes would cost thousands of reconciles per
 * heartbeat round.
 */
final class ClusterReadinessHandler implements ResourceEventHandler<GenericKubernetesResource> {
  private final Controller controller;
  private final Function<String, Iterable<String>> servicesOfCluster;
  private final Set<String> ready = ConcurrentHashMap.newKeySet();

  ClusterReadinessHandler(
      Controller controller, Function<String, Iterable<String>> servicesOfCluster) {
    this.controller = controller;
    this.servicesOfCluster = servicesOfCluster;
  }

  static String ready(GenericKubernetesResource cluster) {
    for (var c : Trees.tree(cluster).path("status").path("conditions")) {
      if ("Ready".equals(c.path("type").asText())) {
        return c.path("status").asText();
      }
    }
    return "Unknown";
  }

  /** The clusters whose Ready condition is True, as last seen. */
  Set<String> readyClusters() {
    return Set.copyOf(ready);
  }

  @Override
  public void onAdd(GenericKubernetesResource cluster) {
    remember(cluster);
    enqueue(cluster);
  }

  @Override
  public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource after) {
    if (!Objects.equals(ready(before), ready(after))) {
      remember(after);
      enqueue(after);
    }
  }

  @Override
  public void onDelete(GenericKubernetesResource cluster, boolean finalStateUnknown) {
    ready.remove(cluster.getMetadata().getName());
    enqueue(cluster);
  }

  private void remember(GenericKubernetesResource cluster) {
    if ("True".equals(ready(cluster))) {
      ready.add(cluster.getMetadata().getName());
    } else {
      ready.remove(cluster.getMetadata().getName());
    }
  }

  private void enqueue(GenericKubernetesResource cluster) {
    servicesOfCluster.apply(cluster.getMetadata().getName()).forEach(controller::enqueue);
  }
}
