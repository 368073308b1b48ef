package dev.flotilla.reliability;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Files;
import java.nio.file.Path;

/** fabric8 clients from the kubeconfigs {@code flotilla hub} and {@code flotilla sim} write. */
final class Kubeconfigs {
  private Kubeconfigs() {}

  static KubernetesClient client(Path kubeconfig, String context) throws Exception {
    Config config =
        Config.fromKubeconfig(context, Files.readString(kubeconfig), kubeconfig.toString());
    config.setRequestRetryBackoffLimit(0);
    config.setRequestTimeout(30_000);
    config.setConnectionTimeout(60_000); // a cold hub on a loaded machine (see HubHandle)
    return new KubernetesClientBuilder().withConfig(config).build();
  }
}
