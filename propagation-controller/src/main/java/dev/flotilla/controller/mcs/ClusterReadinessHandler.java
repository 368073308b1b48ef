package dev.flotilla.controller.mcs;

import dev.flotilla.controller.runtime.Changes;
import dev.flotilla.controller.runtime.Controller;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Enqueues the services a cluster exports when its Ready condition changes, and only then: agents
 * rewrite Cluster status every few seconds, and re-merging every service of the fleet on each of
 * those writes would cost thousands of reconciles per heartbeat round.
 */
final class ClusterReadinessHandler implements ResourceEventHandler<GenericKubernetesResource> {
  private final Controller controller;
  private final Function<String, Iterable<String>> servicesOfCluster;

  ClusterReadinessHandler(
      Controller controller, Function<String, Iterable<String>> servicesOfCluster) {
    this.controller = controller;
    this.servicesOfCluster = servicesOfCluster;
  }

  /** The status of the cluster's Ready condition, read without converting the whole object. */
  static String ready(GenericKubernetesResource cluster) {
    return Changes.conditionStatus(cluster, "Ready");
  }

  /**
   * The clusters whose Ready condition is True, read from the informer's store: handler events
   * arrive on another thread after the store is filled, so a set kept from them could still be
   * empty when the first reconciles run, and would withdraw every endpoint of the fleet.
   */
  static Set<String> readyClusters(SharedIndexInformer<GenericKubernetesResource> clusters) {
    Set<String> ready = new TreeSet<>();
    for (GenericKubernetesResource c : clusters.getStore().list()) {
      if ("True".equals(ready(c))) {
        ready.add(c.getMetadata().getName());
      }
    }
    return ready;
  }

  @Override
  public void onAdd(GenericKubernetesResource cluster) {
    enqueue(cluster);
  }

  @Override
  public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource after) {
    if (!Objects.equals(ready(before), ready(after))) {
      enqueue(after);
    }
  }

  @Override
  public void onDelete(GenericKubernetesResource cluster, boolean finalStateUnknown) {
    enqueue(cluster);
  }

  private void enqueue(GenericKubernetesResource cluster) {
    servicesOfCluster.apply(cluster.getMetadata().getName()).forEach(controller::enqueue);
  }
}
