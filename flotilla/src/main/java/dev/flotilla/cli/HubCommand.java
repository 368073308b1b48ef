package dev.flotilla.cli;

import dev.flotilla.apiserver.HubConfig;
import dev.flotilla.apiserver.HubServer;
import dev.flotilla.controller.ControllerManager;
import dev.flotilla.controller.LeaderElection;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Starts the hub: HTTPS API on 127.0.0.1, durable store in the data directory, kubeconfig. */
@Command(name = "hub", mixinStandardHelpOptions = true, description = "Start the hub API server.")
final class HubCommand implements Runnable {
  @Spec CommandSpec spec;

  @Option(
      names = "--data-dir",
      defaultValue = "./flotilla-data",
      description = "Store, certificates, tokens and kubeconfig (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--port",
      defaultValue = "6443",
      description = "HTTPS port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--bind-address",
      defaultValue = "127.0.0.1",
      description = "Address to listen on.")
  String host;

  @Option(
      names = "--token-auth-file",
      description = "CSV of extra users, as kube-apiserver's: token,user,uid,\"group1,group2\".")
  Path tokenFile;

  @Option(
      names = "--tls-san",
      split = ",",
      description = "Extra DNS names or IPs for the serving certificate.")
  List<String> sans = List.of();

  @Option(
      names = "--sim-members",
      defaultValue = "0",
      description = "Also start N simulated member clusters (member1..N) with their agents.")
  int simMembers;

  @Option(
      names = "--sim-member-store",
      defaultValue = "DURABLE",
      description =
          "Where simulated members keep objects: DURABLE (SQLite in the data directory) or"
              + " MEMORY (lost on restart; the agents re-apply from the hub). Default: ${DEFAULT-VALUE}.")
  dev.flotilla.sim.SimulatedFleet.MemberStore simMemberStore;

  @Option(
      names = "--derived-service-prefix",
      defaultValue = "derived-",
      description =
          "Prefix of the derived Services MCS creates in consumer clusters (default: ${DEFAULT-VALUE}).")
  String derivedServicePrefix;

  @Option(
      names = "--leader-elect-lease-duration",
      defaultValue = "15s",
      converter = GoDurationConverter.class,
      description =
          "How long the controllers' lease holds without renewal; a standby replica waits this"
              + " long before taking over (default: ${DEFAULT-VALUE}).")
  Duration leaseDuration;

  @Option(
      names = "--leader-elect-renew-deadline",
      defaultValue = "10s",
      converter = GoDurationConverter.class,
      description =
          "How long the leading replica keeps trying to renew before it stops its controllers and"
              + " becomes a candidate again (default: ${DEFAULT-VALUE}).")
  Duration renewDeadline;

  @Option(
      names = "--leader-elect-retry-period",
      defaultValue = "2s",
      converter = GoDurationConverter.class,
      description =
          "How often candidates try to acquire the lease and the leader renews it (default:"
              + " ${DEFAULT-VALUE}).")
  Duration retryPeriod;

  @Override
  public void run() {
    LeaderElection election;
    try {
      election = new LeaderElection(leaseDuration, renewDeadline, retryPeriod);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    HubConfig config =
        new HubConfig(
            dataDir.toAbsolutePath(), host, port, Optional.ofNullable(tokenFile), sans, true);
    HubServer hub = HubServer.create(config).start();
    // The controllers reach the API server in process, as their own RBAC-bound identity.
    KubernetesClient controllerClient = HubClients.controllers(hub);
    ControllerMetricsEndpoint controllerMetrics = ControllerMetricsEndpoint.install(hub);
    ControllerManager controllers =
        new ControllerManager(controllerClient, "flotilla-" + ProcessHandle.current().pid())
            .derivedServicePrefix(derivedServicePrefix)
            .leaderElection(election);
    // Ready while the federation's controllers run: here, or in another replica that holds a live
    // lease. Liveness (/livez, /healthz) never depends on it: a standby must not be restarted.
    hub.addReadinessCheck("controllers", controllers::readinessFailure);
    controllers.start();
    dev.flotilla.discovery.DiscoveryApi discovery =
        dev.flotilla.discovery.DiscoveryApi.install(hub, controllerClient);
    SimulatedMembers members = null;
    if (simMembers > 0) {
      try {
        members =
            SimulatedMembers.start(
                hub, controllerClient, config.dataDir(), simMembers, simMemberStore);
      } catch (Exception e) {
        throw new IllegalStateException("could not start simulated members: " + e.getMessage(), e);
      }
    }
    Path kubeconfig =
        hub.writeKubeconfig(members == null ? List.of() : members.kubeconfigContexts());
    SimulatedMembers started = members;
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  if (started != null) {
                    started.close();
                  }
                  controllers.close();
                  controllerMetrics.close();
                  discovery.close();
                  controllerClient.close();
                  hub.close();
                },
                "shutdown"));
    System.out.println("Flotilla hub is serving on " + hub.url());
    System.out.println("Kubeconfig: " + kubeconfig);
    if (simMembers > 0) {
      System.out.println(
          "Simulated members: member1..member"
              + simMembers
              + " (contexts member1..member"
              + simMembers
              + " in the kubeconfig)");
    }
    System.out.println(
        "Try: kubectl --kubeconfig " + kubeconfig + " --context flotilla get clusters");
    System.out.println("  or export KUBECONFIG=" + kubeconfig);
    try {
      new CountDownLatch(1).await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
