package dev.flotilla.apiserver.it;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Pods in a chosen state (the hub has no kubelet) and raw requests, for the pod subresource ITs.
 */
final class PodFixtures {
  private PodFixtures() {}

  /** A response: status code and body. */
  record Raw(int code, String body) {}

  /** Creates pod {@code name} labelled {@code app}, then sets its phase and Ready condition. */
  static Pod pod(
      KubernetesClient client,
      String ns,
      String name,
      String app,
      String phase,
      boolean ready,
      OwnerReference owner) {
    PodBuilder b =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .withLabels(Map.of("app", app))
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("main")
            .withImage("nginx")
            .endContainer()
            .endSpec();
    if (owner != null) {
      b.editMetadata().withOwnerReferences(owner).endMetadata();
    }
    Pod created = client.pods().inNamespace(ns).resource(b.build()).create();
    created.setStatus(
        new io.fabric8.kubernetes.api.model.PodStatusBuilder()
            .withPhase(phase)
            .withConditions(
                new PodConditionBuilder()
                    .withType("Ready")
                    .withStatus(ready ? "True" : "False")
                    .build())
            .build());
    return client.pods().inNamespace(ns).resource(created).updateStatus();
  }

  static Raw post(KubernetesClient client, String path, String contentType, String body) {
    return send(client, "POST", path, contentType, body);
  }

  static Raw send(
      KubernetesClient client, String method, String path, String contentType, String body) {
    HttpClient http = client.getHttpClient();
    String url = client.getMasterUrl().toString().replaceAll("/$", "") + path;
    HttpRequest.Builder builder = http.newHttpRequestBuilder().uri(url);
    if (!method.equals("GET")) {
      builder.method(method, contentType, body);
    }
    try {
      HttpResponse<String> response =
          http.sendAsync(builder.build(), String.class).get(120, TimeUnit.SECONDS);
      return new Raw(response.code(), response.body());
    } catch (Exception e) {
      throw new IllegalStateException(method + " " + path + " failed", e);
    }
  }

  static String eviction(String ns, String name, String extra) {
    return "{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":{\"name\":\""
        + name
        + "\",\"namespace\":\""
        + ns
        + "\"}"
        + extra
        + "}";
  }
}
