package dev.flotilla.cli;

import dev.flotilla.agent.kube.Fabric8Clients;
import dev.flotilla.apiserver.auth.AgentTokens;
import dev.flotilla.apiserver.auth.KubeconfigContext;
import dev.flotilla.apiserver.auth.KubeconfigWriter;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Creates and revokes member-agent credentials on the hub: each agent gets its own token, good only
 * for its own Cluster, Lease and execution namespace.
 */
@Command(
    name = "agent-token",
    mixinStandardHelpOptions = true,
    description = "Create or revoke a member agent's hub credential.",
    subcommands = {AgentTokenCommand.Create.class, AgentTokenCommand.Revoke.class})
final class AgentTokenCommand implements Runnable {

  @Override
  public void run() {
    picocli.CommandLine.usage(this, System.out);
  }

  static KubernetesClient hub(Path kubeconfig) throws Exception {
    Config config =
        Config.fromKubeconfig("flotilla", Files.readString(kubeconfig), kubeconfig.toString());
    return Fabric8Clients.build(config);
  }

  /** Issues a token for one cluster and writes a kubeconfig the agent can use. */
  @Command(name = "create", mixinStandardHelpOptions = true)
  static final class Create implements Callable<Integer> {
    @Parameters(index = "0", description = "Cluster name the agent registers as.")
    String cluster;

    @Option(names = "--hub-kubeconfig", defaultValue = "./flotilla-data/kubeconfig")
    Path kubeconfig;

    @Option(
        names = "--output",
        description = "Write an agent kubeconfig here (default: print the token).")
    Path output;

    @Option(
        names = "--rotate",
        description =
            "Replace the cluster's existing token; without it, a cluster that has one is refused.")
    boolean rotate;

    @Option(
        names = "--grace-period",
        defaultValue = "10m",
        converter = GoDurationConverter.class,
        description =
            "With --rotate: how long the replaced token stays valid, so the running agent can be"
                + " given the new one (default: ${DEFAULT-VALUE}; 0s cuts it off at once).")
    Duration gracePeriod;

    @Override
    public Integer call() throws Exception {
      try (KubernetesClient hub = hub(kubeconfig)) {
        String token;
        try {
          token =
              rotate
                  ? AgentCredentials.rotate(hub, cluster, gracePeriod)
                  : AgentCredentials.create(hub, cluster);
        } catch (AgentCredentials.AlreadyIssued e) {
          System.err.println("error: " + e.getMessage());
          return 1;
        }
        if (rotate) {
          System.err.println(
              "rotated the agent token of cluster "
                  + cluster
                  + "; the previous one stays valid for "
                  + gracePeriod.toSeconds()
                  + "s");
        }
        if (output != null) {
          String ca =
              new String(
                  Base64.getDecoder().decode(hub.getConfiguration().getCaCertData()),
                  StandardCharsets.UTF_8);
          KubeconfigWriter.write(
              output,
              List.of(
                  new KubeconfigContext(
                      "flotilla", hub.getConfiguration().getMasterUrl(), ca, token)),
              "flotilla");
          System.out.println("agent kubeconfig for cluster " + cluster + " written to " + output);
        } else {
          System.out.println(token);
        }
      }
      return 0;
    }
  }

  /** Deletes a cluster's agent credential; the agent is refused from its next request. */
  @Command(name = "revoke", mixinStandardHelpOptions = true)
  static final class Revoke implements Callable<Integer> {
    @Parameters(index = "0")
    String cluster;

    @Option(names = "--hub-kubeconfig", defaultValue = "./flotilla-data/kubeconfig")
    Path kubeconfig;

    @Override
    public Integer call() throws Exception {
      try (KubernetesClient hub = hub(kubeconfig)) {
        hub.secrets()
            .inNamespace(AgentTokens.NAMESPACE)
            .withName(AgentTokens.SECRET_PREFIX + cluster)
            .delete();
      }
      System.out.println("revoked the agent credential of cluster " + cluster);
      return 0;
    }
  }
}
