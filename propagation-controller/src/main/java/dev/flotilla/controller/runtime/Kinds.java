package dev.flotilla.controller.runtime;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/** The Karmada and MCS kinds the controllers read and write, as fabric8 resource contexts. */
public final class Kinds {
  private Kinds() {}

  public static final ResourceDefinitionContext CLUSTER =
      ctx("cluster.karmada.io", "v1alpha1", "Cluster", "clusters", false);
  public static final ResourceDefinitionContext PROPAGATION_POLICY =
      ctx("policy.karmada.io", "v1alpha1", "PropagationPolicy", "propagationpolicies", true);
  public static final ResourceDefinitionContext CLUSTER_PROPAGATION_POLICY =
      ctx(
          "policy.karmada.io",
          "v1alpha1",
          "ClusterPropagationPolicy",
          "clusterpropagationpolicies",
          false);
  public static final ResourceDefinitionContext OVERRIDE_POLICY =
      ctx("policy.karmada.io", "v1alpha1", "OverridePolicy", "overridepolicies", true);
  public static final ResourceDefinitionContext CLUSTER_OVERRIDE_POLICY =
      ctx(
          "policy.karmada.io",
          "v1alpha1",
          "ClusterOverridePolicy",
          "clusteroverridepolicies",
          false);
  public static final ResourceDefinitionContext CLUSTER_TAINT_POLICY =
      ctx("policy.karmada.io", "v1alpha1", "ClusterTaintPolicy", "clustertaintpolicies", false);
  public static final ResourceDefinitionContext RESOURCE_INTERPRETER_CUSTOMIZATION =
      ctx(
          "config.karmada.io",
          "v1alpha1",
          "ResourceInterpreterCustomization",
          "resourceinterpretercustomizations",
          false);
  public static final ResourceDefinitionContext FEDERATED_RESOURCE_QUOTA =
      ctx(
          "policy.karmada.io",
          "v1alpha1",
          "FederatedResourceQuota",
          "federatedresourcequotas",
          true);
  public static final ResourceDefinitionContext WORKLOAD_REBALANCER =
      ctx("apps.karmada.io", "v1alpha1", "WorkloadRebalancer", "workloadrebalancers", false);
  public static final ResourceDefinitionContext RESOURCE_BINDING =
      ctx("work.karmada.io", "v1alpha2", "ResourceBinding", "resourcebindings", true);
  public static final ResourceDefinitionContext CLUSTER_RESOURCE_BINDING =
      ctx(
          "work.karmada.io",
          "v1alpha2",
          "ClusterResourceBinding",
          "clusterresourcebindings",
          false);
  public static final ResourceDefinitionContext WORK =
      ctx("work.karmada.io", "v1alpha1", "Work", "works", true);

  public static ResourceDefinitionContext ctx(
      String group, String version, String kind, String plural, boolean namespaced) {
    return new ResourceDefinitionContext.Builder()
        .withGroup(group)
        .withVersion(version)
        .withKind(kind)
        .withPlural(plural)
        .withNamespaced(namespaced)
        .build();
  }
}
