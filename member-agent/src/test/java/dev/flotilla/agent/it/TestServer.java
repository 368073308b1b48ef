package dev.flotilla.agent.it;

import dev.flotilla.apiserver.HubConfig;
import dev.flotilla.apiserver.HubServer;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A Flotilla API server on an ephemeral port over HTTPS: the hub (with Flotilla's CRDs) or a plain
 * member cluster (without them), plus admin clients for it.
 */
final class TestServer implements AutoCloseable {
  private final HubConfig config;
  private HubServer server;
  private final KubernetesClient client;

  private TestServer(HubConfig config) {
    this.config = config;
    this.server = HubServer.create(config).start();
    this.client = newClient();
  }

  static TestServer hub() {
    return start(true);
  }

  static TestServer member() {
    return start(false);
  }

  private static TestServer start(boolean flotillaCrds) {
    try {
      Path dir = Files.createTempDirectory(flotillaCrds ? "agent-it-hub" : "agent-it-member");
      HubConfig config =
          new HubConfig(dir, "127.0.0.1", 0, Optional.empty(), List.of(), flotillaCrds);
      return new TestServer(config);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The test's own admin client (closed with the server). */
  KubernetesClient client() {
    return client;
  }

  /** A fresh admin client, e.g. for an agent that should own it. */
  KubernetesClient newClient() {
    Config config =
        new ConfigBuilder()
            .withMasterUrl(server.url())
            .withCaCertFile(server.certificateAuthority().caCertPath().toString())
            .withOauthToken(server.authenticator().adminToken())
            .withRequestTimeout(30_000)
            .build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /** Writes the admin kubeconfig (context "flotilla") and returns its path. */
  Path kubeconfig() {
    return server.writeKubeconfig(List.of());
  }

  /** The server itself, e.g. to write to its storage past admission (data from older versions). */
  HubServer server() {
    return server;
  }

  String url() {
    return server.url();
  }

  /** Stops serving, as an outage would; clients keep their configuration. */
  void stopServing() {
    server.close();
  }

  /** Serves again on the same port from the same data (same CA and tokens). */
  void resumeServing() {
    int port = Integer.parseInt(server.url().substring(server.url().lastIndexOf(':') + 1));
    server =
        HubServer.create(
                new HubConfig(
                    config.dataDir(),
                    config.host(),
                    port,
                    config.tokenAuthFile(),
                    config.extraSans(),
                    config.installFlotillaCrds()))
            .start();
  }

  @Override
  public void close() {
    client.close();
    server.close();
  }
}
