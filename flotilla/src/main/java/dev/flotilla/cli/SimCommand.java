package dev.flotilla.cli;

import dev.flotilla.agent.ClientSource;
import dev.flotilla.agent.kube.Fabric8Clients;
import dev.flotilla.apiserver.auth.KubeconfigWriter;
import dev.flotilla.sim.SimulatedFleet;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code flotilla sim}: simulated member clusters and their agents in a process of their own,
 * joined to a hub that runs elsewhere, so the hub alone can be stopped, restarted or killed.
 */
@Command(
    name = "sim",
    mixinStandardHelpOptions = true,
    description =
        "Start N simulated member clusters (member1..N) with their agents and join them to a"
            + " running hub.")
final class SimCommand implements Callable<Integer> {

  /** How to reach the hub as an administrator (who may issue agent tokens). */
  static final class HubAccess {
    @Option(
        names = "--hub-kubeconfig",
        description = "The hub's admin kubeconfig (flotilla hub writes <data-dir>/kubeconfig).")
    Path kubeconfig;

    @ArgGroup(exclusive = false)
    Explicit explicit;
  }

  /** The hub's URL, CA and admin token given one by one. */
  static final class Explicit {
    @Option(names = "--hub-url", required = true, description = "e.g. https://127.0.0.1:6443")
    String url;

    @Option(names = "--hub-ca-file", required = true, description = "The hub's CA certificate.")
    Path ca;

    @Option(names = "--hub-token-file", required = true, description = "File with an admin token.")
    Path tokenFile;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  HubAccess hub;

  @Option(
      names = "--members",
      defaultValue = "3",
      description = "How many members (default: ${DEFAULT-VALUE}).")
  int members;

  @Option(
      names = "--data-dir",
      defaultValue = "./flotilla-sim",
      description =
          "The members' stores and members.kubeconfig (their contexts) (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--member-store",
      defaultValue = "DURABLE",
      description = "DURABLE (survives a restart of this process) or MEMORY.")
  SimulatedFleet.MemberStore store;

  @Override
  public Integer call() throws Exception {
    Files.createDirectories(dataDir);
    Config config = adminConfig();
    KubernetesClient admin =
        Fabric8Clients.builder()
            .withConfig(config)
            .withKubernetesSerialization(ClientSource.tolerantSerialization())
            .build();
    SimulatedMembers started =
        SimulatedMembers.start(
            config.getMasterUrl(), caFile(config), admin, dataDir, members, store);
    Path kubeconfig = dataDir.resolve("members.kubeconfig");
    KubeconfigWriter.write(kubeconfig, started.kubeconfigContexts(), null);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  started.close();
                  admin.close();
                },
                "shutdown"));
    System.out.println(
        "Simulated members joined: member1..member"
            + members
            + " (contexts in "
            + kubeconfig
            + ")");
    new CountDownLatch(1).await();
    return 0;
  }

  private Config adminConfig() throws Exception {
    if (hub.kubeconfig != null) {
      return Config.fromKubeconfig(
          null, Files.readString(hub.kubeconfig), hub.kubeconfig.toString());
    }
    return new ConfigBuilder()
        .withMasterUrl(hub.explicit.url)
        .withCaCertFile(hub.explicit.ca.toString())
        .withOauthToken(Files.readString(hub.explicit.tokenFile).trim())
        .withRequestTimeout(30_000)
        .build();
  }

  // The agents are given a CA file: write the kubeconfig's embedded CA out when it has one.
  private Path caFile(Config config) throws Exception {
    if (config.getCaCertFile() != null) {
      return Path.of(config.getCaCertFile());
    }
    Path ca = dataDir.resolve("hub-ca.crt");
    Files.write(ca, java.util.Base64.getDecoder().decode(config.getCaCertData()));
    return ca;
  }
}
