package dev.flotilla.agent.kube;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;

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
    String group = type.getGroup();
    StringBuilder path = new StringBuilder(client.getMasterUrl().toString().replaceAll("/+$", ""));
    path.append(group == null || group.isEmpty() ? "/api/" : "/apis/" + group + "/");
    path.append(type.getVersion());
    if (namespace != null) {
      path.append("/namespaces/").append(namespace);
    }
    path.append('/').append(type.getPlural());
    path.append("?fieldManager=").append(URLEncoder.encode(manager, StandardCharsets.UTF_8));
    var request =
        client
            .getHttpClient()
            .newHttpRequestBuilder()
            .uri(URI.create(path.toString()))
            .post("application/json", body)
            .build();
    HttpResponse<String> response;
    try {
      response = client.getHttpClient().sendAsync(request, String.class).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw KubernetesClientException.launderThrowable(e);
    } catch (ExecutionException e) {
      throw KubernetesClientException.launderThrowable(e.getCause());
    }
    var serialization = client.getKubernetesSerialization();
    if (!response.isSuccessful()) {
      Status status;
      try {
        status = serialization.unmarshal(response.body(), Status.class);
      } catch (RuntimeException notStatus) {
        status = new Status();
        status.setMessage(response.body());
      }
      status.setCode(response.code());
      throw new KubernetesClientException(status);
    }
    return serialization.unmarshal(response.body(), GenericKubernetesResource.class);
  }
}
