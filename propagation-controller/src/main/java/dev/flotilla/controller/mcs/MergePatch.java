package dev.flotilla.controller.mcs;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/**
 * JSON merge patches by name in one request: fabric8's {@code withName(n).patch(context, body)}
 * first GETs the object it is not given, which doubles every status write.
 */
final class MergePatch {
  private MergePatch() {}

  /** Patches the object (or its {@code subresource}, when not null); returns it as stored. */
  static GenericKubernetesResource apply(
      KubernetesClient hub,
      ResourceDefinitionContext type,
      String namespace,
      String name,
      String subresource,
      String patch) {
    GenericKubernetesResource target = new GenericKubernetesResource();
    target.setApiVersion(
        type.getGroup() == null || type.getGroup().isEmpty()
            ? type.getVersion()
            : type.getGroup() + "/" + type.getVersion());
    target.setKind(type.getKind());
    target.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    Resource<GenericKubernetesResource> resource =
        hub.genericKubernetesResources(type).inNamespace(namespace).resource(target);
    PatchContext merge = PatchContext.of(PatchType.JSON_MERGE);
    return subresource == null
        ? resource.patch(merge, patch)
        : resource.subresource(subresource).patch(merge, patch);
  }
}
