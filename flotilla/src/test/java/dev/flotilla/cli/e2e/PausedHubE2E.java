package dev.flotilla.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flotilla.fixtures.Await;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reproduction, on a real process: {@code flotilla hub --sim-members 1} is stopped with
 * SIGSTOP past its renew deadline and continued. It must log that it stopped leading, stand again,
 * lead again and propagate a new ConfigMap to the member; {@code /readyz} is ok again. Leader
 * election timings are shortened by the hub's own flags, so the pause lasts seconds, not the
 * default's 12 s.
 */
class PausedHubE2E {
  private final List<String> log = new ArrayList<>();

  @Test
  void aPausedHubTakesLeadershipBackAndPropagatesAgain(@TempDir Path tmp) throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/bin/kill")), "no /bin/kill: SIGSTOP test skipped");
    Path data = tmp.resolve("data");
    Process hub =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "dev.flotilla.cli.FlotillaCommand",
                "hub",
                "--data-dir",
                data.toString(),
                "--port",
                "0",
                "--sim-members",
                "1",
                "--leader-elect-lease-duration",
                "3s",
                "--leader-elect-renew-deadline",
                "2s",
                "--leader-elect-retry-period",
                "500ms")
            .redirectErrorStream(true)
            .start();
    Thread reader = new Thread(() -> read(hub), "hub-output");
    reader.setDaemon(true);
    reader.start();
    try {
      Await.until("the hub to serve", () -> line("Kubeconfig: "));
      String kubeconfig = Files.readString(data.resolve("kubeconfig"));
      Config config = Config.fromKubeconfig("flotilla", kubeconfig, null);
      HttpClient probes = HttpClient.newBuilder().sslContext(trusting(config)).build();
      try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
          KubernetesClient member =
              new KubernetesClientBuilder()
                  .withConfig(Config.fromKubeconfig("member1", kubeconfig, null))
                  .build()) {
        Await.until("ready", () -> "ok".equals(readyz(probes, config)));
        propagate(client, "before");
        Await.until("ConfigMap before in member1", () -> configMap(member, "before"));

        signal(hub, "STOP");
        // Past the 3 s lease and the 2 s renew deadline with margin, as a long GC pause would be:
        // under load a 3 s pause left the leader renewing as if nothing had happened.
        Await.pause(Duration.ofSeconds(6));
        signal(hub, "CONT");

        Await.until("the paused leader to stop its controllers", () -> line("stopped leading"));
        Await.until("a new term", () -> count("leads: starting controllers") >= 2);
        Await.until("ready again", () -> "ok".equals(readyz(probes, config)));
        propagate(client, "after");
        ConfigMap after =
            Await.until("ConfigMap after in member1", () -> configMap(member, "after"));
        assertEquals("v", after.getData().get("k"));
        assertTrue(line("candidate again") != null, String.join("\n", snapshot()));
      }
    } finally {
      hub.destroy();
      if (!hub.waitFor(20, TimeUnit.SECONDS)) {
        hub.destroyForcibly();
      }
    }
  }

  private void read(Process hub) {
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(hub.getInputStream(), StandardCharsets.UTF_8))) {
      for (String l = r.readLine(); l != null; l = r.readLine()) {
        synchronized (log) {
          log.add(l);
        }
      }
    } catch (IOException e) {
      // the hub exited
    }
  }

  private List<String> snapshot() {
    synchronized (log) {
      return new ArrayList<>(log);
    }
  }

  private String line(String fragment) {
    return snapshot().stream().filter(l -> l.contains(fragment)).findFirst().orElse(null);
  }

  private long count(String fragment) {
    return snapshot().stream().filter(l -> l.contains(fragment)).count();
  }

  private static void signal(Process p, String signal) throws Exception {
    Process kill = new ProcessBuilder("/bin/kill", "-" + signal, Long.toString(p.pid())).start();
    assertEquals(0, kill.waitFor(), "kill -" + signal);
  }

  private static void propagate(KubernetesClient client, String name) {
    String yaml =
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: "
            + name
            + ", namespace: default}\ndata: {k: v}\n---\n"
            + "apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\n"
            + "metadata: {name: "
            + name
            + ", namespace: default}\nspec:\n"
            + "  resourceSelectors: [{apiVersion: v1, kind: ConfigMap, name: "
            + name
            + "}]\n  placement: {clusterAffinity: {clusterNames: [member1]}}\n";
    client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).serverSideApply();
  }

  private static ConfigMap configMap(KubernetesClient member, String name) {
    return member.configMaps().inNamespace("default").withName(name).get();
  }

  private static String readyz(HttpClient probes, Config config) {
    try {
      HttpResponse<String> r =
          probes.send(
              HttpRequest.newBuilder(
                      URI.create(config.getMasterUrl().replaceAll("/$", "") + "/readyz"))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.body();
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static SSLContext trusting(Config config) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    trust.setCertificateEntry(
        "flotilla-ca",
        CertificateFactory.getInstance("X.509")
            .generateCertificate(
                new ByteArrayInputStream(Base64.getDecoder().decode(config.getCaCertData()))));
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    return ssl;
  }
}
