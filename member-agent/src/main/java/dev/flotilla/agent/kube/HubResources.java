package dev.flotilla.agent.kube;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/** The Karmada kinds the agent reads and writes on the hub. */
public final class HubResources {
  /** {@code cluster.karmada.io/v1alpha1} Cluster, cluster-scoped. */
  public static final ResourceDefinitionContext CLUSTERS =
      new ResourceDefinitionContext.Builder()
          .withGroup("cluster.karmada.io")
          .withVersion("v1alpha1")
          .withKind("Cluster")
          .withPlural("clusters")
          .withNamespaced(false)
          .build();

  /** {@code work.karmada.io/v1alpha1} Work, namespaced ({@code karmada-es-<cluster>}). */
  public static final ResourceDefinitionContext WORKS =
      new ResourceDefinitionContext.Builder()
          .withGroup("work.karmada.io")
          .withVersion("v1alpha1")
          .withKind("Work")
          .withPlural("works")
          .withNamespaced(true)
          .build();

  /** The hub namespace holding the cluster leases, as Karmada names it. */
  public static final String LEASE_NAMESPACE = "karmada-cluster";

  private HubResources() {}
}
