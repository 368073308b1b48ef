package dev.flotilla.discovery;

import dev.flotilla.apiserver.HubConfig;
import dev.flotilla.apiserver.HubServer;
import dev.flotilla.cli.E2ESupport;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.nio.file.Files;
import java.util.concurrent.CompletableFuture;

/** A hub with the discovery API mounted and an admin client, for the discovery ITs. */
final class DiscoveryHub implements AutoCloseable {
  final HubServer hub;
  final KubernetesClient admin;
  final DiscoveryApi api;

  DiscoveryHub(String name) throws Exception {
    hub = HubServer.create(HubConfig.of(Files.createTempDirectory(name), 0)).start();
    admin = E2ESupport.adminClient(hub);
    api = DiscoveryApi.install(hub, admin);
  }

  /** {@code method path} as the admin, the body read as {@code type}. */
  <T> CompletableFuture<HttpResponse<T>> send(String method, String path, Class<T> type) {
    HttpClient http = admin.getHttpClient();
    String url = admin.getMasterUrl().toString().replaceAll("/$", "") + path;
    return http.sendAsync(
        http.newHttpRequestBuilder().uri(url).method(method, "application/json", "").build(), type);
  }

  @Override
  public void close() {
    api.close();
    admin.close();
    hub.close();
  }
}
