package dev.flotilla.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.agent.kube.SharedJdkTransport;
import dev.flotilla.fixtures.KubectlRunner;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code flotilla hub} offers HTTP/2 as kube-apiserver does (ALPN h2): a fabric8 client's HTTP
 * watch and stock kubectl's {@code get -w} run over it and see events; {@code --no-http2} serves
 * HTTP/1.1 only.
 */
class HubHttp2IT {
  private static Process flotilla(Path log, String... args) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.flotilla.cli.FlotillaCommand"));
    command.addAll(List.of(args));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  /** Starts a hub, waits until it serves, and returns its data directory's kubeconfig config. */
  private static Process startHub(Path tmp, String... extra) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of("hub", "--data-dir", tmp.resolve("data").toString(), "--port", "0"));
    args.addAll(List.of(extra));
    Path out = tmp.resolve("hub.out");
    Process hub = flotilla(out, args.toArray(String[]::new));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (!read(out).contains("Kubeconfig: ")) {
      if (!hub.isAlive() || System.nanoTime() > deadline) {
        hub.destroyForcibly();
        throw new AssertionError("the hub did not start:\n" + read(out));
      }
      Thread.sleep(200);
    }
    return hub;
  }

  private static void stop(Process hub) throws InterruptedException {
    hub.destroy();
    if (!hub.waitFor(30, TimeUnit.SECONDS)) {
      hub.destroyForcibly();
    }
  }

  private static String read(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p, StandardCharsets.ISO_8859_1) : "";
    } catch (Exception e) {
      return "";
    }
  }

  /**
   * The kubeconfig's admin, with the admin token: a shared transport presents no client
   * certificate, so clients on it authenticate with a token as agents do.
   */
  private static Config config(Path tmp) throws Exception {
    Path data = tmp.resolve("data");
    Config config =
        Config.fromKubeconfig("flotilla", Files.readString(data.resolve("kubeconfig")), null);
    config.setOauthToken(Files.readString(data.resolve("admin.token")).trim());
    return config;
  }

  /** The protocol an HTTP/2-preferring JDK client gets from the hub, trusting only its CA. */
  private static HttpClient.Version negotiated(SharedJdkTransport transport, Config config)
      throws Exception {
    HttpResponse<Void> r =
        transport
            .httpClient()
            .send(
                HttpRequest.newBuilder(URI.create(config.getMasterUrl() + "version"))
                    .header("Authorization", "Bearer " + config.getOauthToken())
                    .timeout(Duration.ofSeconds(60))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
    assertEquals(200, r.statusCode());
    return r.version();
  }

  private static SharedJdkTransport transport(Path tmp) throws Exception {
    return SharedJdkTransport.trusting(
        List.of(Files.readString(tmp.resolve("data").resolve("pki").resolve("ca.crt"))));
  }

  @Test
  void watchesRunOverHttp2WithFabric8AndKubectl(@TempDir Path tmp) throws Exception {
    Process hub = startHub(tmp);
    try {
      Config config = config(tmp);
      SharedJdkTransport transport = transport(tmp);
      config.setOnlyHttpWatches(true);
      LinkedBlockingQueue<String> seen = new LinkedBlockingQueue<>();
      try (KubernetesClient watching = transport.builder().withConfig(config).build();
          KubernetesClient admin = new KubernetesClientBuilder().withConfig(config(tmp)).build();
          Watch watch =
              watching
                  .configMaps()
                  .inNamespace("default")
                  .watch(
                      new Watcher<ConfigMap>() {
                        @Override
                        public void eventReceived(Action action, ConfigMap cm) {
                          seen.add(action + " " + cm.getMetadata().getName());
                        }

                        @Override
                        public void onClose(WatcherException cause) {}
                      })) {
        // The watch is a stream on the transport's one connection to the hub, which is HTTP/2.
        assertEquals(HttpClient.Version.HTTP_2, negotiated(transport, config));
        admin.configMaps().inNamespace("default").resource(configMap("over-h2")).create();
        // The watch lists what is there first (kube-root-ca.crt), then the new ConfigMap.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        List<String> events = new ArrayList<>();
        while (!events.contains("ADDED over-h2") && System.nanoTime() < deadline) {
          String event = seen.poll(1, TimeUnit.SECONDS);
          if (event != null) {
            events.add(event);
          }
        }
        assertTrue(events.contains("ADDED over-h2"), "events seen: " + events);
      }
      List<KubectlRunner.Binary> kubectls = KubectlRunner.installed();
      Assumptions.assumeFalse(kubectls.isEmpty(), KubectlRunner.notInstalledMessage());
      for (KubectlRunner.Binary binary :
          List.of(kubectls.get(0), kubectls.get(kubectls.size() - 1))) {
        try (KubectlRunner kubectl =
                KubectlRunner.of(binary, tmp.resolve("data").resolve("kubeconfig"));
            KubernetesClient admin =
                new KubernetesClientBuilder().withConfig(config(tmp)).build()) {
          // Go's HTTP/2 transport logs its frames with http2debug: proof the watch used h2.
          KubectlRunner.Background w =
              kubectl.background(
                  Map.of("GODEBUG", "http2debug=1"),
                  "get",
                  "configmaps",
                  "-n",
                  "default",
                  "-w",
                  "-o",
                  "name");
          w.awaitStdout(
              out -> out.contains("configmap/over-h2"), Duration.ofSeconds(120), "the list");
          String name = "kubectl-" + binary.minor();
          admin.configMaps().inNamespace("default").resource(configMap(name)).create();
          w.awaitStdout(
              out -> out.contains("configmap/" + name), Duration.ofSeconds(120), "the event");
          assertTrue(
              w.stderr().contains("http2: Transport") || w.stderr().contains("http2: Framer"),
              binary + " did not speak HTTP/2:\n" + w.stderr());
        }
      }
    } finally {
      stop(hub);
    }
  }

  @Test
  void noHttp2ServesHttp11Only(@TempDir Path tmp) throws Exception {
    Process hub = startHub(tmp, "--no-http2");
    try {
      Config config = config(tmp);
      assertEquals(HttpClient.Version.HTTP_1_1, negotiated(transport(tmp), config));
      config.setOnlyHttpWatches(true);
      // A watch still works: fabric8 falls back to an HTTP/1.1 connection of its own.
      try (KubernetesClient client = transport(tmp).builder().withConfig(config).build()) {
        client.configMaps().inNamespace("default").resource(configMap("over-h1")).create();
        assertEquals(
            "over-h1",
            client
                .configMaps()
                .inNamespace("default")
                .withName("over-h1")
                .waitUntilCondition(cm -> cm != null, 120, TimeUnit.SECONDS)
                .getMetadata()
                .getName());
      }
    } finally {
      stop(hub);
    }
  }

  private static ConfigMap configMap(String name) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .addToData("k", "v")
        .build();
  }
}
