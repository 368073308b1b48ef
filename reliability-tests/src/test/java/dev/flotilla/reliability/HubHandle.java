package dev.flotilla.reliability;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Starting a {@link HubMain} process and reaching it with fabric8 or raw HTTPS. */
final class HubHandle {
  private HubHandle() {}

  static Processes start(String name, Path dataDir) throws Exception {
    return Processes.start(name, "768m", HubMain.class.getName(), dataDir.toString(), "0");
  }

  /** A hub that prints the classes its event loops load once it serves (see {@link HubMain}). */
  static Processes startPrintingLoopClassLoads(String name, Path dataDir) throws Exception {
    return Processes.start(
        name, "768m", HubMain.class.getName(), dataDir.toString(), "0", "--loop-class-loads");
  }

  static int port(Processes hub) throws InterruptedException {
    return Integer.parseInt(
        hub.await(l -> l.startsWith("PORT "), Processes.START).substring(5).trim());
  }

  /**
   * The admin, with no retries: a write the hub did not acknowledge must show as a failure. The
   * connect timeout (which covers the TLS handshake) is the request timeout, not fabric8's 10 s: a
   * hub JVM that has just started on a machine at load 50 can take longer than that to complete its
   * first, cold handshake, and a connect that times out is no verdict on the hub.
   */
  static KubernetesClient client(Processes hub, Path dataDir) throws Exception {
    Config config =
        new ConfigBuilder()
            .withMasterUrl("https://127.0.0.1:" + port(hub))
            .withCaCertFile(dataDir.resolve("pki/ca.crt").toString())
            .withOauthToken(Files.readString(dataDir.resolve("admin.token")).trim())
            .withRequestRetryBackoffLimit(0)
            .withRequestTimeout(60_000)
            .withConnectionTimeout(60_000)
            .build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  static RawHttps raw(Processes hub, Path dataDir) throws Exception {
    return RawHttps.forHub(port(hub), dataDir);
  }
}
