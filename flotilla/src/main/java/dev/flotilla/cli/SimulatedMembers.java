package dev.flotilla.cli;

import dev.flotilla.agent.AgentConfig;
import dev.flotilla.agent.AgentThreads;
import dev.flotilla.agent.ClientSource;
import dev.flotilla.agent.MemberAgent;
import dev.flotilla.agent.kube.Fabric8Clients;
import dev.flotilla.agent.kube.SharedJdkTransport;
import dev.flotilla.apiserver.HubServer;
import dev.flotilla.apiserver.auth.KubeconfigContext;
import dev.flotilla.sim.SimulatedFleet;
import dev.flotilla.sim.SimulatedMember;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code flotilla hub --sim-members N}: N simulated member clusters, each with its own agent
 * holding its own hub credential, exactly as a real member would join.
 */
public final class SimulatedMembers implements AutoCloseable {
  private final SimulatedFleet fleet;
  // The agents share threads as the members share event loops: a real agent is alone in its
  // process with 4 Work workers of its own, hundreds of simulated ones are not. One shared worker
  // per agent (16 to 128): with 16 for 100 agents, a template reaching all of them queued 100
  // reconciles (member read, apply, hub status write) six deep, a tail no real fleet has.
  private final AgentThreads agentThreads;
  private final List<MemberAgent> agents =
      java.util.Collections.synchronizedList(new ArrayList<>());
  private final List<KubernetesClient> clients =
      java.util.Collections.synchronizedList(new ArrayList<>());

  /**
   * Whether the agents' clients share one JDK HTTP client for the hub and one for the members
   * ({@code -Dflotilla.sim.sharedClients=false}: two of their own per agent, as a real agent has).
   */
  public static final String SHARED_CLIENTS_PROPERTY = "flotilla.sim.sharedClients";

  // A real agent is one process per cluster with its own connections; here a thousand agents'
  // selectors and connections (both ends of each member connection) would hold ~20 descriptors per
  // cluster. Shared, the agents' hub requests use one pool, and each member is one HTTP/2
  // connection carrying its agent's requests and watches.
  private final SharedJdkTransport hubTransport;
  private final SharedJdkTransport memberTransport;

  private SimulatedMembers(SimulatedFleet fleet, Path hubCa) throws java.io.IOException {
    this.fleet = fleet;
    this.agentThreads = AgentThreads.shared(Math.min(128, Math.max(16, fleet.members().size())));
    if (Boolean.parseBoolean(System.getProperty(SHARED_CLIENTS_PROPERTY, "true"))) {
      hubTransport = SharedJdkTransport.trusting(List.of(java.nio.file.Files.readString(hubCa)));
      memberTransport =
          SharedJdkTransport.trusting(
              fleet.kubeconfigContexts().stream().map(KubeconfigContext::caPem).toList());
    } else {
      hubTransport = null;
      memberTransport = null;
    }
  }

  public static SimulatedMembers start(
      HubServer hub,
      KubernetesClient hubAdmin,
      Path dataDir,
      int count,
      SimulatedFleet.MemberStore store)
      throws Exception {
    return start(
        hub.url(), hub.certificateAuthority().caCertPath(), hubAdmin, dataDir, count, store);
  }

  /** Starts members whose agents join the hub at {@code hubUrl} (which may be another process). */
  public static SimulatedMembers start(
      String hubUrl,
      Path hubCa,
      KubernetesClient hubAdmin,
      Path dataDir,
      int count,
      SimulatedFleet.MemberStore store)
      throws Exception {
    SimulatedFleet fleet = SimulatedFleet.start(dataDir.resolve("members"), count, store);
    SimulatedMembers members;
    try {
      members = new SimulatedMembers(fleet, hubCa);
    } catch (java.io.IOException | RuntimeException e) {
      fleet.close();
      throw e;
    }
    // Joined a few at a time: each join is a handful of hub round trips, and a thousand of them
    // one after another took minutes on a loaded machine.
    java.util.concurrent.ExecutorService joining =
        java.util.concurrent.Executors.newFixedThreadPool(
            Math.min(8, Math.max(1, count)),
            r -> {
              Thread t = new Thread(r, "sim-join");
              t.setDaemon(true);
              return t;
            });
    List<java.util.concurrent.Future<?>> joins = new ArrayList<>();
    for (SimulatedMember member : members.fleet.members()) {
      joins.add(joining.submit(() -> members.join(member, hubUrl, hubCa, hubAdmin)));
    }
    joining.shutdown();
    try {
      for (java.util.concurrent.Future<?> f : joins) {
        f.get();
      }
    } catch (java.util.concurrent.ExecutionException e) {
      members.close();
      throw e.getCause() instanceof Exception x ? x : e;
    }
    return members;
  }

  /** Issues one member's agent credential and starts its agent. */
  private Void join(SimulatedMember member, String hubUrl, Path hubCa, KubernetesClient hubAdmin)
      throws Exception {
    String token = AgentCredentials.issue(hubAdmin, member.name());
    KubernetesClient hubClient =
        builder(hubTransport)
            .withConfig(
                new ConfigBuilder()
                    .withMasterUrl(hubUrl)
                    .withCaCertFile(hubCa.toString())
                    .withOauthToken(token)
                    .build())
            .build();
    KubeconfigContext ctx = member.kubeconfigContext();
    KubernetesClient memberClient =
        builder(memberTransport)
            .withConfig(
                new ConfigBuilder()
                    .withMasterUrl(ctx.serverUrl())
                    .withCaCertData(
                        java.util.Base64.getEncoder()
                            .encodeToString(
                                ctx.caPem().getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                    .withOauthToken(ctx.token())
                    // Over HTTP/2 a watch is a stream on the member's one connection; as a
                    // WebSocket it is an HTTP/1.1 connection of its own.
                    .withOnlyHttpWatches(memberTransport != null && SimulatedFleet.offersHttp2())
                    .build())
            .build();
    clients.add(hubClient);
    clients.add(memberClient);
    if (memberTransport != null) {
      // One request before the agent's first burst: the JDK client keeps one HTTP/2 connection
      // per server, but requests racing to a server it has none for open one each, and the extra
      // ones then carry watches for good.
      try {
        memberClient.getKubernetesVersion();
      } catch (RuntimeException e) {
        // the agent retries on its own
      }
    }
    agents.add(
        new MemberAgent(
                AgentConfig.builder()
                    .hub(ClientSource.of(hubClient))
                    .member(ClientSource.of(memberClient))
                    .clusterName(member.name())
                    .provider(member.cluster().provider())
                    .region(member.cluster().region())
                    .zones(member.cluster().zones())
                    .labels(Map.of("flotilla.dev/simulated", "true"))
                    .apiEndpoint(member.url())
                    .build(),
                java.time.Clock.systemUTC(),
                agentThreads)
            .start());
    return null;
  }

  /** The members themselves (API servers and simulators), e.g. for in-process benchmarks. */
  public SimulatedFleet fleet() {
    return fleet;
  }

  public List<KubeconfigContext> kubeconfigContexts() {
    return fleet.kubeconfigContexts();
  }

  private static io.fabric8.kubernetes.client.KubernetesClientBuilder builder(
      SharedJdkTransport transport) {
    return transport != null ? transport.builder() : Fabric8Clients.builder();
  }

  @Override
  public void close() {
    agents.forEach(MemberAgent::close);
    agentThreads.close();
    clients.forEach(KubernetesClient::close);
    fleet.close();
  }
}
