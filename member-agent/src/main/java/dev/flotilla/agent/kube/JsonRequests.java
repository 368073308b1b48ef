package dev.flotilla.agent.kube;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.net.URI;
import java.util.concurrent.ExecutionException;

/**
 * Writes whose body the agent already holds as JSON, sent through a fabric8 client's HTTP client
 * (its interceptors add the credentials) and answered as the server's JSON text. fabric8's typed
 * operations would convert the agent's Jackson tree into a fabric8 object, encode that, and decode
 * the reply into another fabric8 object the agent then converts back into a tree: per Work status
 * write, three passes over the whole Work more than the agent needs.
 */
public final class JsonRequests {
  private JsonRequests() {}

  /**
   * {@code <server>/api/<version>} or {@code /apis/<group>/<version>}, then {@code
   * /namespaces/<namespace>} unless {@code namespace} is null, then {@code /<plural>}.
   */
  public static StringBuilder collectionUrl(
      KubernetesClient client, ResourceDefinitionContext type, String namespace) {
    String group = type.getGroup();
    StringBuilder path = new StringBuilder(client.getMasterUrl().toString().replaceAll("/+$", ""));
    path.append(group == null || group.isEmpty() ? "/api/" : "/apis/" + group + "/");
    path.append(type.getVersion());
    if (namespace != null) {
      path.append("/namespaces/").append(namespace);
    }
    return path.append('/').append(type.getPlural());
  }

  /** POSTs {@code body} to {@code url}; returns the reply's body. */
  public static String post(KubernetesClient client, String url, String body) {
    return send(client, request(client, url).post("application/json", body).build());
  }

  /** PUTs {@code body} to {@code url}; returns the reply's body. */
  public static String put(KubernetesClient client, String url, String body) {
    return send(client, request(client, url).put("application/json", body).build());
  }

  private static io.fabric8.kubernetes.client.http.HttpRequest.Builder request(
      KubernetesClient client, String url) {
    return client.getHttpClient().newHttpRequestBuilder().uri(URI.create(url));
  }

  /**
   * Sends {@code request}; a reply other than 2xx is thrown as fabric8 reports failures, with the
   * server's Status and code (409 on a conflict), so callers classify it as any other client
   * failure.
   */
  private static String send(KubernetesClient client, HttpRequest request) {
    HttpResponse<String> response;
    try {
      response = client.getHttpClient().sendAsync(request, String.class).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw KubernetesClientException.launderThrowable(e);
    } catch (ExecutionException e) {
      throw KubernetesClientException.launderThrowable(e.getCause());
    }
    if (!response.isSuccessful()) {
      Status status;
      try {
        status = client.getKubernetesSerialization().unmarshal(response.body(), Status.class);
      } catch (RuntimeException notStatus) {
        status = new Status();
        status.setMessage(response.body());
      }
      status.setCode(response.code());
      throw new KubernetesClientException(status);
    }
    return response.body();
  }
}
