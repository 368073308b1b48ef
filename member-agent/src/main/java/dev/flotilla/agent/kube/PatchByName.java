package dev.flotilla.agent.kube;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/**
 * A JSON merge patch of a named object in one request. fabric8's {@code withName(n).patch(..)}
 * reads the object first when it was not handed one; here it is handed a stub carrying only the
 * name and namespace, which make the URL, so the patch is the only round trip.
 */
public final class PatchByName {
  private PatchByName() {}

  /**
   * Patches {@code name} (in {@code namespace}, null when cluster-scoped; its {@code subresource}
   * when not null) with {@code patch}; returns the object as stored.
   */
  public static GenericKubernetesResource merge(
      KubernetesClient client,
      ResourceDefinitionContext type,
      String namespace,
      String name,
      String subresource,
      String patch) {
    GenericKubernetesResource stub = new GenericKubernetesResource();
    String group = type.getGroup();
    stub.setApiVersion(
        group == null || group.isEmpty() ? type.getVersion() : group + "/" + type.getVersion());
    stub.setKind(type.getKind());
    stub.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    var op = client.genericKubernetesResources(type);
    Resource<GenericKubernetesResource> target =
        namespace == null ? op.resource(stub) : op.inNamespace(namespace).resource(stub);
    PatchContext merge = PatchContext.of(PatchType.JSON_MERGE);
    return subresource == null
        ? target.patch(merge, patch)
        : target.subresource(subresource).patch(merge, patch);
  }
}
