package dev.flotilla.agent.execution;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/** A member resource as discovery names it: group, version, plural, kind and scope. */
record Gvr(String group, String version, String resource, String kind, boolean namespaced) {

  String apiVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }

  String groupVersion() {
    return apiVersion();
  }

  ResourceDefinitionContext context() {
    return new ResourceDefinitionContext.Builder()
        .withGroup(group)
        .withVersion(version)
        .withPlural(resource)
        .withKind(kind)
        .withNamespaced(namespaced)
        .build();
  }

  boolean isCrd() {
    return group.equals("apiextensions.k8s.io") && resource.equals("customresourcedefinitions");
  }

  boolean isNamespace() {
    return group.isEmpty() && resource.equals("namespaces");
  }

  @Override
  public String toString() {
    return group.isEmpty() ? version + "/" + resource : group + "/" + version + "/" + resource;
  }
}
