package dev.flotilla.controller.runtime;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/**
 * JSON merge patches by name in one request. fabric8's {@code withName(n).patch(context, body)}
 * first GETs the object it was not given (its {@code getItemOrRequireFromServer}), one more hub
 * round trip in front of every such write: the detector's claim on each template waited for it.
 */
public final class MergePatch {
  private MergePatch() {}

  /**
   * Patches the object (or its {@code subresource}, when not null; {@code namespace} null for a
   * cluster-scoped kind); returns it as stored.
   */
  public static GenericKubernetesResource apply(
      KubernetesClient hub,
      ResourceDefinitionContext type,
      String namespace,
      String name,
      String subresource,
      String patch) {
    String apiVersion =
        type.getGroup() == null || type.getGroup().isEmpty()
            ? type.getVersion()
            : type.getGroup() + "/" + type.getVersion();
    return apply(
        hub.genericKubernetesResources(type),
        apiVersion,
        type.getKind(),
        namespace,
        name,
        subresource,
        patch);
  }

  /** As above for a kind named by apiVersion and kind (resolved through the hub's discovery). */
  public static GenericKubernetesResource apply(
      KubernetesClient hub,
      String apiVersion,
      String kind,
      String namespace,
      String name,
      String patch) {
    return apply(
        hub.genericKubernetesResources(apiVersion, kind),
        apiVersion,
        kind,
        namespace,
        name,
        null,
        patch);
  }

  private static GenericKubernetesResource apply(
      MixedOperation<
              GenericKubernetesResource,
              GenericKubernetesResourceList,
              Resource<GenericKubernetesResource>>
          op,
      String apiVersion,
      String kind,
      String namespace,
      String name,
      String subresource,
      String patch) {
    // Only its name and namespace are read: they make the URL; the body is the patch as given.
    GenericKubernetesResource target = new GenericKubernetesResource();
    target.setApiVersion(apiVersion);
    target.setKind(kind);
    target.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    Resource<GenericKubernetesResource> resource =
        namespace == null ? op.resource(target) : op.inNamespace(namespace).resource(target);
    PatchContext merge = PatchContext.of(PatchType.JSON_MERGE);
    return subresource == null
        ? resource.patch(merge, patch)
        : resource.subresource(subresource).patch(merge, patch);
  }
}
