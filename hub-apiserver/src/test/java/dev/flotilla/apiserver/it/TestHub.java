package dev.flotilla.apiserver.it;

import dev.flotilla.apiserver.HubConfig;
import dev.flotilla.apiserver.HubServer;
import dev.flotilla.fixtures.RawHttp;
import dev.flotilla.fixtures.TestClients;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * A hub API server on an ephemeral port over a fresh temporary data directory, with its admin
 * kubeconfig written, for integration tests over real HTTPS. It is every module's way to start a
 * hub or a plain member API server in a test (hub-apiserver's test-jar carries it upward); the
 * clients it hands out are closed with it.
 */
public final class TestHub implements AutoCloseable {
  private final HubConfig config;
  private final HubServer.Hosting hosting;
  private volatile HubServer server;
  private final Path kubeconfig;
  private final List<KubernetesClient> clients = new ArrayList<>();

  private TestHub(HubConfig config, HubServer.Hosting hosting) {
    this(config, hosting, HubServer.create(config, hosting).start());
  }

  private TestHub(HubConfig config, HubServer.Hosting hosting, HubServer started) {
    this.config = config;
    this.hosting = hosting;
    this.server = started;
    this.kubeconfig = server.writeKubeconfig(List.of());
  }

  public static TestHub start() {
    return start(storeUnderTest());
  }

  /**
   * A member cluster's API server as an agent meets it: the same server without Flotilla's own
   * CRDs.
   */
  public static TestHub member() {
    return new TestHub(
        new HubConfig(
            freshDirectory("flotilla-member-it"),
            "127.0.0.1",
            0,
            Optional.empty(),
            List.of(),
            false),
        HubServer.Hosting.standalone());
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
    return new TestHub(HubConfig.of(dataDir, 0), HubServer.Hosting.standalone());
  }

  /** Starts on a fresh directory, hosted as given (e.g. on a runtime the test watches). */
  public static TestHub start(HubServer.Hosting hosting) {
    return new TestHub(HubConfig.of(freshDirectory("flotilla-it"), 0), hosting);
  }

  /** Starts the server {@code create} makes on a fresh directory (e.g. with a short event TTL). */
  public static TestHub start(java.util.function.Function<Path, HubServer> create) {
    try {
      Path dataDir = Files.createTempDirectory("flotilla-it");
      return new TestHub(
          HubConfig.of(dataDir, 0), HubServer.Hosting.standalone(), create.apply(dataDir).start());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Starts with {@code config} (e.g. a token file of further users), data in its data dir. */
  public static TestHub start(HubConfig config) {
    return new TestHub(config, storeUnderTest());
  }

  private static Path freshDirectory(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public HubServer server() {
    return server;
  }

  public Path dataDir() {
    return config.dataDir();
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

  /** The hub's CA certificate, which every client of it trusts. */
  public Path caCertPath() {
    return server.certificateAuthority().caCertPath();
  }

  /** A new fabric8 client as the admin, trusting the hub's CA. */
  public KubernetesClient client() {
    return client(adminToken());
  }

  /** A new fabric8 client with {@code token}, trusting the hub's CA. */
  public KubernetesClient client(String token) {
    KubernetesClient client = TestClients.fabric8(url(), caCertPath(), token);
    synchronized (clients) {
      clients.add(client);
    }
    return client;
  }

  /**
   * Writes a kubeconfig (file {@code fileName} in the data directory) whose user presents the
   * client certificate {@code certPem} with {@code keyPem} and no token; returns its path.
   */
  public Path certificateKubeconfig(String fileName, String certPem, String keyPem)
      throws IOException {
    Base64.Encoder b64 = Base64.getEncoder();
    String ca = Files.readString(caCertPath());
    String yaml =
        "apiVersion: v1\nkind: Config\nclusters:\n- name: hub\n  cluster:\n    server: "
            + url()
            + "\n    certificate-authority-data: "
            + b64.encodeToString(ca.getBytes(StandardCharsets.UTF_8))
            + "\nusers:\n- name: cert\n  user:\n    client-certificate-data: "
            + b64.encodeToString(certPem.getBytes(StandardCharsets.UTF_8))
            + "\n    client-key-data: "
            + b64.encodeToString(keyPem.getBytes(StandardCharsets.UTF_8))
            + "\ncontexts:\n- name: hub\n  context:\n    cluster: hub\n    user: cert\n"
            + "current-context: hub\n";
    Path file = dataDir().resolve(fileName);
    Files.writeString(file, yaml);
    return file;
  }

  /** Raw HTTPS as the admin, for requests a typed client will not send. */
  public RawHttp http() {
    return new RawHttp(url(), caCertPath(), adminToken());
  }

  /** Stops serving, as an outage would; clients keep their configuration. */
  public void stopServing() {
    server.close();
  }

  /** Serves again on the same port from the same data (same CA and tokens). */
  public void resumeServing() {
    String url = server.url(); // the port as served: a closed server may not report its own
    int port = Integer.parseInt(url.substring(url.lastIndexOf(':') + 1));
    HubConfig samePort =
        new HubConfig(
            config.dataDir(),
            config.host(),
            port,
            config.tokenAuthFile(),
            config.extraSans(),
            config.installFlotillaCrds(),
            config.security(),
            config.connections());
    server = HubServer.create(samePort, hosting).start();
  }

  @Override
  public void close() {
    synchronized (clients) {
      clients.forEach(KubernetesClient::close);
      clients.clear();
    }
    server.close();
  }
}
