package dev.flotilla.apiserver.it;

import dev.flotilla.apiserver.HubConfig;
import dev.flotilla.apiserver.HubServer;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A hub API server on an ephemeral port over a fresh temporary data directory, with its admin
 * kubeconfig written, for integration tests over real HTTPS.
 */
public final class TestHub implements AutoCloseable {
  private final Path dataDir;
  private final HubServer server;
  private final Path kubeconfig;

  private TestHub(Path dataDir, HubServer server) {
    this.dataDir = dataDir;
    this.server = server;
    this.kubeconfig = server.writeKubeconfig(List.of());
  }

  public static TestHub start() {
    return start(storeUnderTest());
  }

  /**
   * How the suites' hubs store: SQLite in their data directory, or the store that the factory named
   * by {@code -Dflotilla.test.store} opens (store-etcd's {@code -Pstore-etcd} profile runs the
   * fabric8 and kubectl suites on etcd this way).
   */
  @SuppressWarnings("unchecked")
  static HubServer.Hosting storeUnderTest() {
    String factory = System.getProperty("flotilla.test.store", "");
    if (factory.isEmpty()) {
      return HubServer.Hosting.standalone();
    }
    try {
      return new HubServer.Hosting(
          null,
          false,
          (java.util.function.Function<
                  dev.flotilla.apiserver.storage.ValueTransformer,
                  dev.flotilla.apiserver.storage.Store>)
              Class.forName(factory).getDeclaredConstructor().newInstance());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("-Dflotilla.test.store=" + factory + ": " + e, e);
    }
  }

  /** Starts on an existing data directory (e.g. to check what a previous run stored). */
  public static TestHub start(Path dataDir) {
    return new TestHub(dataDir, HubServer.create(HubConfig.of(dataDir, 0)).start());
  }

  /** Starts on a fresh directory, hosted as given (e.g. on a runtime the test watches). */
  public static TestHub start(HubServer.Hosting hosting) {
    try {
      Path dataDir = Files.createTempDirectory("flotilla-it");
      return new TestHub(dataDir, HubServer.create(HubConfig.of(dataDir, 0), hosting).start());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Starts the server {@code create} makes on a fresh directory (e.g. with a short event TTL). */
  public static TestHub start(java.util.function.Function<Path, HubServer> create) {
    try {
      Path dataDir = Files.createTempDirectory("flotilla-it");
      return new TestHub(dataDir, create.apply(dataDir).start());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Starts with {@code config} (e.g. a token file of further users), data in its data dir. */
  public static TestHub start(HubConfig config) {
    return new TestHub(config.dataDir(), HubServer.create(config, storeUnderTest()).start());
  }

  public HubServer server() {
    return server;
  }

  public Path dataDir() {
    return dataDir;
  }

  public Path kubeconfig() {
    return kubeconfig;
  }

  public String url() {
    return server.url();
  }

  public String adminToken() {
    return server.authenticator().adminToken();
  }

  /** A fabric8 client as the admin, trusting the hub's CA. */
  public KubernetesClient client() {
    return client(adminToken());
  }

  public KubernetesClient client(String token) {
    Config config =
        new io.fabric8.kubernetes.client.ConfigBuilder()
            .withMasterUrl(url())
            .withCaCertFile(server.certificateAuthority().caCertPath().toString())
            .withOauthToken(token)
            .withRequestTimeout(30_000)
            .build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  @Override
  public void close() {
    server.close();
  }
}
