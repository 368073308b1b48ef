package dev.flotilla.sim;

import dev.flotilla.apiserver.HubConfig;
import dev.flotilla.apiserver.HubServer;
import dev.flotilla.apiserver.auth.KubeconfigContext;
import dev.flotilla.apiserver.auth.KubeconfigWriter;
import dev.flotilla.apiserver.objects.ResourceStorage;
import dev.flotilla.sim.dns.MemberDns;
import dev.flotilla.sim.engine.SimThreads;
import dev.flotilla.sim.nodes.NodeSummary;
import dev.flotilla.sim.pods.SimulatedPods;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One simulated member cluster: a Kubernetes-style API server of its own (a {@link HubServer}
 * without Flotilla's CRDs, as a plain cluster) on its own port and data directory, made to look
 * like a cluster where everything runs by a {@link WorkloadSimulator}.
 */
public final class SimulatedMember implements AutoCloseable {
  private final MemberCluster cluster;
  private final HubServer server;
  private final WorkloadSimulator simulator;

  /**
   * {@code false} leaves the members' DNS servers out: two sockets each, which a thousand members
   * in one process cannot spare under a 20,000 open-file limit (see {@code bench scale}).
   */
  public static final String DNS_PROPERTY = "flotilla.sim.dns";

  private final MemberDns dns;

  private SimulatedMember(
      MemberCluster cluster, HubServer server, WorkloadSimulator simulator, MemberDns dns) {
    this.cluster = cluster;
    this.server = server;
    this.simulator = simulator;
    this.dns = dns;
  }

  /** Starts the member's API server and simulator; returns once it serves HTTPS. */
  public static SimulatedMember start(MemberCluster cluster) {
    return start(cluster, HubServer.Hosting.standalone(), null);
  }

  /**
   * Starts the member hosted as {@code hosting} says (shared event loops and workers, an in-memory
   * store), its simulator on {@code simThreads} ({@code null}: its own).
   */
  public static SimulatedMember start(
      MemberCluster cluster, HubServer.Hosting hosting, SimThreads simThreads) {
    HubServer server =
        HubServer.create(
            new HubConfig(
                cluster.dataDir(), "127.0.0.1", cluster.port(), Optional.empty(), List.of(), false),
            hosting);
    WorkloadSimulator simulator = new WorkloadSimulator(cluster, server.storage(), simThreads);
    MemberDns dns = null;
    try {
      simulator.start();
      server.start();
      simulator.publishApiServer(server.port());
      if (Boolean.parseBoolean(System.getProperty(DNS_PROPERTY, "true"))) {
        dns =
            MemberDns.start(server.runtime().vertx(), server.storage(), server.runtime().workers());
      }
      SimulatedPods.install(server, cluster.name());
    } catch (RuntimeException e) {
      if (dns != null) {
        dns.close();
      }
      simulator.close();
      server.close();
      throw e;
    }
    return new SimulatedMember(cluster, server, simulator, dns);
  }

  public MemberCluster cluster() {
    return cluster;
  }

  public String name() {
    return cluster.name();
  }

  public HubServer server() {
    return server;
  }

  public ResourceStorage storage() {
    return server.storage();
  }

  public WorkloadSimulator simulator() {
    return simulator;
  }

  public int port() {
    return server.port();
  }

  /** {@code https://127.0.0.1:<port>}. */
  public String url() {
    return server.url();
  }

  /** The member as a kubeconfig context named after it: URL, CA and admin token. */
  public KubeconfigContext kubeconfigContext() {
    return new KubeconfigContext(
        cluster.name(),
        url(),
        server.certificateAuthority().caCertPem(),
        server.authenticator().adminToken());
  }

  /** Writes {@code <dataDir>/kubeconfig} with this member as the only and current context. */
  public Path writeKubeconfig() {
    Path file = cluster.dataDir().resolve("kubeconfig");
    KubeconfigWriter.write(file, List.of(kubeconfigContext()), cluster.name());
    return file;
  }

  /**
   * The member's DNS server (UDP and TCP on 127.0.0.1), as kube-system/kube-dns announces it; null
   * when started with {@code -Dflotilla.sim.dns=false}.
   */
  public MemberDns dns() {
    return dns;
  }

  /** The member's nodes and resources as a Karmada Cluster status would summarize them. */
  public NodeSummary nodeSummary() {
    return simulator.nodeSummary();
  }

  @Override
  public void close() {
    if (dns != null) {
      dns.close();
    }
    simulator.close();
    server.close();
  }
}
