package dev.flotilla.cli;

import dev.flotilla.agent.AgentConfig;
import dev.flotilla.agent.ClientSource;
import dev.flotilla.agent.MemberAgent;
import dev.flotilla.agent.join.BootstrapJoin;
import dev.flotilla.agent.join.CertificateRenewal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the pull-mode member agent next to a member cluster. */
@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    description = "Register a member cluster with the hub and apply the work the hub assigns it.")
final class AgentCommand implements Callable<Integer> {
  @Option(
      names = "--hub-kubeconfig",
      required = true,
      description =
          "Kubeconfig with the agent's hub credential (flotilla agent-token create --output).")
  Path hubKubeconfig;

  @Option(
      names = "--hub-servers",
      split = ",",
      description =
          "Hub replicas, comma-separated URLs (https://hub-0:6443,https://hub-1:6443), used with"
              + " the --hub-kubeconfig credential and CA instead of its server. The agent talks to"
              + " one, moves to the next when it cannot connect, answers 503 or another 5xx three"
              + " times in a row, and goes back to the first listed once its /readyz answers 200."
              + " Default: the kubeconfig's server (one address, e.g. a load balancer in front of"
              + " the replicas).")
  List<String> hubServers = List.of();

  @Option(
      names = "--member-kubeconfig",
      description =
          "Kubeconfig of the member cluster. Without it the agent uses its pod's ServiceAccount"
              + " (KUBERNETES_SERVICE_HOST/PORT and /var/run/secrets/kubernetes.io/serviceaccount),"
              + " as when it runs in the member.")
  Path memberKubeconfig;

  @Option(
      names = "--member-context",
      description = "Context in the member kubeconfig (default: current).")
  String memberContext;

  @Option(names = "--cluster-name", required = true)
  String clusterName;

  @Option(names = "--provider")
  String provider;

  @Option(names = "--region")
  String region;

  @Option(names = "--zones", split = ",")
  List<String> zones = List.of();

  @Option(
      names = "--labels",
      split = ",",
      description = "key=value pairs for the Cluster's labels.")
  List<String> labels = List.of();

  @Option(
      names = "--api-endpoint",
      description = "The member's API URL as the hub should record it.")
  String apiEndpoint;

  @Option(
      names = "--token",
      description =
          "Bootstrap token (flotilla token create): join by CSR when --hub-kubeconfig does not"
              + " exist yet, and write the issued credential there.")
  String bootstrapToken;

  @Option(names = "--hub-endpoint", description = "The hub, host:port, for a --token join.")
  String hubEndpoint;

  @Option(
      names = "--discovery-token-ca-cert-hash",
      split = ",",
      description = "For a --token join: the hub CA's public-key pin, sha256:<hex>.")
  List<String> caCertHashes = List.of();

  @Option(
      names = "--cert-expiration-seconds",
      defaultValue = "31536000",
      description =
          "For a --token join: the agent certificate's lifetime (default: one year); the agent"
              + " asks for a new one when 80% of it has passed.")
  long certExpirationSeconds;

  @Option(
      names = "--join-timeout",
      defaultValue = "5m",
      converter = GoDurationConverter.class,
      description = "For a --token join: how long to wait for the CSR's approval.")
  java.time.Duration joinTimeout;

  @Override
  public Integer call() throws Exception {
    if (!joinIfAsked()) {
      return 2;
    }
    AgentConfig config;
    try {
      config = config();
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      return 2;
    }
    AtomicReference<MemberAgent> agent = new AtomicReference<>(new MemberAgent(config).start());
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  MemberAgent running = agent.get();
                  if (running != null) {
                    running.close();
                  }
                },
                "shutdown"));
    System.out.println("agent for cluster " + clusterName + " is running");
    if (CertificateRenewal.certificate(hubKubeconfig).isPresent()) {
      ScheduledExecutorService renewal =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "certificate-renewal");
                t.setDaemon(true);
                return t;
              });
      renewal.scheduleWithFixedDelay(() -> renewIfDue(agent), 1, 1, TimeUnit.MINUTES);
    }
    new CountDownLatch(1).await();
    return 0;
  }

  /**
   * Renews the agent's client certificate when it is due and restarts the agent on it (its clients
   * read the credential when built); a failure is retried at the next check, while the old
   * certificate is still valid.
   */
  private void renewIfDue(AtomicReference<MemberAgent> agent) {
    try {
      if (CertificateRenewal.renewIfDue(hubKubeconfig, clusterName, Instant.now(), joinTimeout)) {
        agent.getAndSet(null).close();
        agent.set(new MemberAgent(config()).start());
        System.out.println("renewed the agent certificate of cluster " + clusterName);
      }
    } catch (Exception e) {
      System.err.println("certificate renewal failed, retrying in a minute: " + e.getMessage());
    }
  }

  /**
   * With --token and no hub kubeconfig yet: joins by CSR and writes the issued credential there.
   * False when the flags for a join are incomplete.
   */
  boolean joinIfAsked() throws Exception {
    if (bootstrapToken != null && !java.nio.file.Files.exists(hubKubeconfig)) {
      if (hubEndpoint == null || caCertHashes.isEmpty()) {
        System.err.println(
            "error: a --token join needs --hub-endpoint and --discovery-token-ca-cert-hash"
                + " (flotilla token create --print-register-command prints them)");
        return false;
      }
      BootstrapJoin.join(
          new BootstrapJoin.Request(
              hubEndpoint,
              bootstrapToken,
              caCertHashes,
              clusterName,
              certExpirationSeconds,
              joinTimeout),
          hubKubeconfig);
      System.out.println(
          "joined the hub as cluster " + clusterName + "; credential written to " + hubKubeconfig);
    }
    return true;
  }

  /** The member cluster from --member-kubeconfig, or the pod's in-cluster ServiceAccount. */
  private ClientSource member() {
    if (memberKubeconfig == null) {
      try {
        return ClientSource.of(
            dev.flotilla.agent.kube.Fabric8Clients.builder()
                .withConfig(dev.flotilla.agent.kube.InClusterConfig.load())
                .withKubernetesSerialization(ClientSource.tolerantSerialization())
                .build());
      } catch (IllegalStateException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
    }
    return memberContext == null
        ? ClientSource.kubeconfig(memberKubeconfig)
        : ClientSource.kubeconfig(memberKubeconfig, memberContext);
  }

  /** The agent's configuration from the flags. */
  AgentConfig config() {
    Map<String, String> labelMap = new LinkedHashMap<>();
    for (String l : labels) {
      int eq = l.indexOf('=');
      labelMap.put(eq < 0 ? l : l.substring(0, eq), eq < 0 ? "" : l.substring(eq + 1));
    }
    AgentConfig.Builder config =
        AgentConfig.builder()
            .hub(
                ClientSource.kubeconfig(hubKubeconfig)
                    .withServers(
                        dev.flotilla.agent.HubReplicas.parse(String.join(",", hubServers))))
            .member(member())
            .clusterName(clusterName)
            .zones(zones)
            .labels(labelMap);
    if (provider != null) {
      config.provider(provider);
    }
    if (region != null) {
      config.region(region);
    }
    if (apiEndpoint != null) {
      config.apiEndpoint(apiEndpoint);
    }
    return config.build();
  }
}
