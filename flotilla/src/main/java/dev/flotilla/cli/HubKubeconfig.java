package dev.flotilla.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import picocli.CommandLine.Option;

/**
 * Which hub a client command talks to, as kubectl finds it: {@code --kubeconfig}, else $KUBECONFIG,
 * else Flotilla's.
 */
final class HubKubeconfig {
  @Option(
      names = "--kubeconfig",
      description =
          "Kubeconfig of the hub (default: $KUBECONFIG, else ./flotilla-data/kubeconfig).")
  java.nio.file.Path path;

  @Option(names = "--context", description = "Kubeconfig context (default: the current one).")
  String context;

  KubernetesClient client() throws java.io.IOException {
    java.nio.file.Path file = path;
    if (file == null) {
      String env = System.getenv("KUBECONFIG");
      file =
          java.nio.file.Path.of(
              env != null && !env.isBlank()
                  ? env.split(java.io.File.pathSeparator)[0]
                  : "./flotilla-data/kubeconfig");
    }
    io.fabric8.kubernetes.client.Config config =
        io.fabric8.kubernetes.client.Config.fromKubeconfig(
            context, java.nio.file.Files.readString(file), file.toString());
    return dev.flotilla.agent.kube.Fabric8Clients.build(config);
  }

  String namespace(KubernetesClient hub) {
    String ns = hub.getConfiguration().getNamespace();
    return ns == null || ns.isBlank() ? "default" : ns;
  }
}
