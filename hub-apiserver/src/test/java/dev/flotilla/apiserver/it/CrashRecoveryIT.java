package dev.flotilla.apiserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Kills a hub process with SIGKILL in the middle of a write load and restarts it on the same data
 * directory: every acknowledged write is there, unchanged, at the same resourceVersion, and new
 * resourceVersions keep increasing.
 */
class CrashRecoveryIT {

  @Test
  void acknowledgedWritesSurviveSigkill() throws Exception {
    Path dir = Files.createTempDirectory("flotilla-crash");
    Map<String, ConfigMap> acknowledged = new ConcurrentHashMap<>();
    Process hub = startHub(dir);
    int port = readPort(hub);
    long highest;
    try (KubernetesClient client = client(dir, port)) {
      for (int i = 0; i < 50; i++) {
        record(
            acknowledged,
            client.configMaps().inNamespace("default").resource(configMap("before-" + i)).create());
      }
      // Writers keep going while the process is killed; only what they saw acknowledged counts.
      AtomicBoolean stop = new AtomicBoolean();
      ExecutorService writers = Executors.newFixedThreadPool(4);
      for (int w = 0; w < 4; w++) {
        int writer = w;
        writers.execute(
            () -> {
              for (int i = 0; !stop.get(); i++) {
                try {
                  record(
                      acknowledged,
                      client
                          .configMaps()
                          .inNamespace("default")
                          .resource(configMap("load-" + writer + "-" + i))
                          .create());
                } catch (RuntimeException e) {
                  return; // the server is gone
                }
              }
            });
      }
      Thread.sleep(1500);
      hub.destroyForcibly(); // SIGKILL on Linux
      hub.waitFor(30, TimeUnit.SECONDS);
      stop.set(true);
      writers.shutdown();
      writers.awaitTermination(60, TimeUnit.SECONDS);
    }
    assertTrue(acknowledged.size() > 50, "some writes were acknowledged during the load");
    highest =
        acknowledged.values().stream()
            .mapToLong(c -> Long.parseLong(c.getMetadata().getResourceVersion()))
            .max()
            .orElseThrow();

    Process restarted = startHub(dir);
    try (KubernetesClient client = client(dir, readPort(restarted))) {
      for (ConfigMap expected : acknowledged.values()) {
        ConfigMap actual =
            client
                .configMaps()
                .inNamespace("default")
                .withName(expected.getMetadata().getName())
                .get();
        assertNotNull(actual, "acknowledged " + expected.getMetadata().getName() + " is lost");
        assertEquals(
            expected.getMetadata().getResourceVersion(), actual.getMetadata().getResourceVersion());
        assertEquals(expected.getMetadata().getUid(), actual.getMetadata().getUid());
        assertEquals(expected.getData(), actual.getData());
      }
      ConfigMap after =
          client.configMaps().inNamespace("default").resource(configMap("after")).create();
      assertTrue(
          Long.parseLong(after.getMetadata().getResourceVersion()) > highest,
          "resourceVersions keep increasing after a restart");
    } finally {
      restarted.destroyForcibly();
      restarted.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private static void record(Map<String, ConfigMap> acknowledged, ConfigMap created) {
    acknowledged.put(created.getMetadata().getName(), created);
  }

  private static ConfigMap configMap(String name) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .addToData("payload", name + "-" + "x".repeat(100))
        .build();
  }

  private static Process startHub(Path dir) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(
            java,
            "-cp",
            System.getProperty("java.class.path"),
            HubProcessMain.class.getName(),
            dir.toString())
        .redirectErrorStream(true)
        .start();
  }

  private static int readPort(Process p) throws Exception {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    for (String line; (line = out.readLine()) != null; ) {
      if (line.startsWith("PORT ")) {
        int port = Integer.parseInt(line.substring(5).trim());
        Thread drain = new Thread(() -> out.lines().forEach(l -> {}));
        drain.setDaemon(true);
        drain.start();
        return port;
      }
    }
    throw new IllegalStateException("hub process exited before serving");
  }

  private static KubernetesClient client(Path dir, int port) throws Exception {
    Config config =
        new ConfigBuilder()
            .withMasterUrl("https://127.0.0.1:" + port)
            .withCaCertFile(dir.resolve("pki/ca.crt").toString())
            .withOauthToken(Files.readString(dir.resolve("admin.token")).trim())
            .withRequestRetryBackoffLimit(0)
            .build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }
}
