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

  @picocli.CommandLine.Mixin SecurityFlags security;
  @picocli.CommandLine.Mixin ConnectionFlags connections;

  @picocli.CommandLine.Mixin EtcdFlags etcd;

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
      names = "--event-ttl",
      defaultValue = "1h",
      converter = GoDurationConverter.class,
      description =
          "Delete Events this long after their last write; 0s keeps them (default:"
              + " ${DEFAULT-VALUE}, as kube-apiserver).")
  java.time.Duration eventTtl;

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
      description =
          "Prefix of every derived Service MCS creates in consumer clusters. Default: by where the"
              + " import came from, derived- (Karmada) for one propagated from the hub, amcs- (ACK"
              + " One) for one created in the member.")
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

  @Option(
      names = "--enable-no-execute-taint-eviction",
      defaultValue = "true",
      arity = "1",
      description =
          "Evict workloads from clusters whose NoExecute taints they do not tolerate, and"
              + " reschedule them (Karmada's taint manager). Default: ${DEFAULT-VALUE}.")
  boolean noExecuteTaintEviction;

  @Option(
      names = "--failover-eviction-timeout",
      defaultValue = "5m",
      converter = GoDurationConverter.class,
      description =
          "How long a cluster stays unreachable or NotReady before it also gets the NoExecute"
              + " taint of that key (default: ${DEFAULT-VALUE}).")
  Duration failoverEvictionTimeout;

  @Option(
      names = "--graceful-eviction-timeout",
      defaultValue = "10m",
      converter = GoDurationConverter.class,
      description =
          "How long an evicted copy stays while its replacement is not yet healthy, when the"
              + " eviction names no gracePeriodSeconds (default: ${DEFAULT-VALUE}).")
  Duration gracefulEvictionTimeout;

  @Option(
      names = "--no-execute-taint-eviction-purge-mode",
      defaultValue = "Gracefully",
      description =
          "How evicted copies go when the policy sets no failover.cluster: Gracefully (after"
              + " the replacement is healthy) or Directly (default: ${DEFAULT-VALUE}).")
  String evictionPurgeMode;

  @Override
  public void run() {
    LeaderElection election;
    dev.flotilla.controller.FailoverOptions failover;
    dev.flotilla.apiserver.http.ConnectionLimits limits;
    try {
      election = new LeaderElection(leaseDuration, renewDeadline, retryPeriod);
      limits = connections.toLimits();
      failover =
          new dev.flotilla.controller.FailoverOptions(
              noExecuteTaintEviction,
              failoverEvictionTimeout,
              gracefulEvictionTimeout,
              evictionPurgeMode);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    HubConfig config =
        new HubConfig(
                dataDir.toAbsolutePath().normalize(),
                host,
                port,
                Optional.ofNullable(tokenFile),
                sans,
                true)
            .withSecurity(security.toConfig())
            .withConnections(limits);
    // GC, namespaces, CRD cleanup, root CA, ServiceAccounts, CSRs, PDB status and Event expiry
    // run with the federation's controllers, in the one replica that holds the Lease.
    HubServer hub =
        HubServer.create(config, etcd.hosting().withHttp2(connections.http2))
            .eventTtl(eventTtl)
            .electControllers()
            .start();
    // The controllers reach the API server in process, as their own RBAC-bound identity.
    KubernetesClient controllerClient = HubClients.controllers(hub);
    ControllerMetricsEndpoint controllerMetrics = ControllerMetricsEndpoint.install(hub);
    ControllerManager controllers =
        new ControllerManager(controllerClient, ReplicaIdentity.get())
            .derivedServicePrefix(derivedServicePrefix)
            .leaderElection(election)
            .failover(failover)
            .alsoWhileLeading(hub::startSystemControllers);
    // Ready while the federation's controllers run: here, or in another replica that holds a live
    // lease. Liveness (/livez, /healthz) never depends on it: a standby must not be restarted.
    hub.addReadinessCheck("controllers", controllers::readinessFailure);
    controllers.start();
    dev.flotilla.discovery.DiscoveryApi discovery =
        dev.flotilla.discovery.DiscoveryApi.install(hub, controllerClient);
    dev.flotilla.ui.FleetUi fleetUi =
        dev.flotilla.ui.FleetUi.install(hub, controllerClient, discovery.index());
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
                  // Agents and clients see 503 and ended watches, and move to another replica.
                  hub.drain();
                  if (started != null) {
                    started.close();
                  }
                  controllers.close();
                  controllerMetrics.close();
                  fleetUi.close();
                  discovery.close();
                  controllerClient.close();
                  hub.close();
                },
                "shutdown"));
    System.out.println("Flotilla hub is serving on " + hub.url());
    System.out.println("Kubeconfig: " + kubeconfig);
    System.out.println(
        "Fleet view: "
            + hub.url()
            + dev.flotilla.ui.FleetUi.PREFIX
            + "/ (log in with the token in "
            + config.dataDir().resolve("admin.token")
            + ")");
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
