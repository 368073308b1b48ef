package dev.flotilla.agent.status;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.agent.kube.Json;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Discovery in two requests ({@code /api} and {@code /apis} in the aggregated form, as client-go
 * reads it since Kubernetes 1.27) instead of one per group-version. Empty when the member does not
 * answer in that form; the caller then walks the group-versions.
 */
final class AggregatedDiscovery {
  /** GA since Kubernetes 1.30; v2beta1 is what 1.27 to 1.29 serve by default. */
  private static final String ACCEPT =
      "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
          + "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList;q=0.9,"
          + "application/json;q=0.8";

  private static final long TIMEOUT_SECONDS = 30;

  private AggregatedDiscovery() {}

  /** Group-version to resource to kind, or empty when the member serves no aggregated form. */
  static Optional<Map<String, Map<String, String>>> read(KubernetesClient member) {
    Map<String, Map<String, String>> out = new LinkedHashMap<>();
    for (String path : new String[] {"api", "apis"}) {
      Optional<JsonNode> doc = get(member, path);
      if (doc.isEmpty()) {
        return Optional.empty();
      }
      addAll(doc.get(), out);
    }
    return Optional.of(out);
  }

  private static Optional<JsonNode> get(KubernetesClient member, String path) {
    HttpClient http = member.getHttpClient();
    String url = member.getMasterUrl().toString().replaceAll("/$", "") + "/" + path;
    try {
      HttpResponse<String> response =
          http.sendAsync(
                  http.newHttpRequestBuilder().uri(url).header("Accept", ACCEPT).build(),
                  String.class)
              .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      JsonNode body = response.isSuccessful() ? Json.MAPPER.readTree(response.body()) : null;
      return body != null && "APIGroupDiscoveryList".equals(body.path("kind").asText())
          ? Optional.of(body)
          : Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  /** Adds every top-level resource of every group-version in an APIGroupDiscoveryList. */
  static void addAll(JsonNode list, Map<String, Map<String, String>> out) {
    for (JsonNode group : list.path("items")) {
      String name = group.path("metadata").path("name").asText("");
      for (JsonNode version : group.path("versions")) {
        String gv =
            name.isEmpty()
                ? version.path("version").asText()
                : name + "/" + version.path("version").asText();
        Map<String, String> resources = out.computeIfAbsent(gv, k -> new LinkedHashMap<>());
        for (JsonNode r : version.path("resources")) {
          String kind = r.path("responseKind").path("kind").asText("");
          if (!kind.isEmpty()) {
            resources.put(r.path("resource").asText(), kind);
          }
        }
      }
    }
  }
}
