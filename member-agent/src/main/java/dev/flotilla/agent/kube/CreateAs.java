package dev.flotilla.agent.kube;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * A create (POST) naming its field manager. fabric8 sends {@code fieldManager} with patches and
 * server-side applies only, so a create through it would be recorded under the client's User-Agent,
 * a name every other fabric8 writer shares.
 */
public final class CreateAs {
  private CreateAs() {}

  /**
   * Creates {@code body} (JSON) in {@code namespace} (null: cluster-scoped) as {@code manager};
   * returns the object as stored. Failures are thrown as fabric8 reports them, with the server's
   * Status (409 when it exists already).
   */
  public static GenericKubernetesResource create(
      KubernetesClient client,
      ResourceDefinitionContext type,
      String namespace,
      String body,
      String manager) {
    String url =
        JsonRequests.collectionUrl(client, type, namespace)
            .append("?fieldManager=")
            .append(URLEncoder.encode(manager, StandardCharsets.UTF_8))
            .toString();
    return client
        .getKubernetesSerialization()
        .unmarshal(JsonRequests.post(client, url, body), GenericKubernetesResource.class);
  }
}
