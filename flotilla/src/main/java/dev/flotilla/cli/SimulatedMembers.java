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
  // cluster. Shared, each member is one HTTP/2 connection carrying its agent's requests and
  // watches, and the agents reach the hub through a few transports, each one HTTP/2 connection
  // (where the hub offers it) for AGENTS_PER_HUB_TRANSPORT agents' requests and watches.
  private final List<SharedJdkTransport> hubTransports;
  private final SharedJdkTransport memberTransport;

  /**
   * How each agent reaches its simulated member: {@code https} (the default: TLS and HTTP/2 on
   * loopback, as a real agent reaches its cluster's API server) or {@code inprocess} (requests
   * handed to the member's API server in this process, as the hub's controllers reach the hub: same
   * authentication, admission, store and watches, no socket or TLS). A real agent's traffic with
   * its own cluster costs that cluster's machines, not the hub's; {@code bench} takes {@code
   * inprocess} so that the simulation's share of the one machine is smaller.
   */
  public static final String MEMBER_TRANSPORT_PROPERTY = "flotilla.sim.memberTransport";

  private final boolean inProcessMembers =
      "inprocess".equals(System.getProperty(MEMBER_TRANSPORT_PROPERTY, "https"));

  /**
   * Where in-process member replies are completed and their bytes handed to fabric8 (parsing,
   * informer dispatch): the simulation's own threads, never the members' workers or event loops,
   * nor the pool the hub's in-process controllers use when the members run in the hub's process.
   */
  private final java.util.concurrent.ExecutorService memberCallbacks;

  private final List<dev.flotilla.inprocess.InProcessHttpClientFactory> inProcessTransports =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  // Decoding as a real agent's clients decode (tolerant of a malformed object's metadata), one
  // instance for every simulated client: each fabric8 client otherwise builds its own Jackson
  // mapper and caches its own deserializers for every model class it meets, ~2 MiB of reflection
  // data per client (half the simulation's live heap at 200 members, and CPU to build it). A real
  // agent has two clients in its process; the mapper holds no per-client state.
  private final io.fabric8.kubernetes.client.utils.KubernetesSerialization serialization =
      ClientSource.tolerantSerialization();

  /**
   * Agents per hub transport: two watches each and their requests stay well under the hub's 1,000
   * streams per connection (the JDK client fails a request past the server's limit rather than
   * opening another connection), and the agents' connections spread over the hub's event loops.
   */
  static final int AGENTS_PER_HUB_TRANSPORT = 64;

  private SimulatedMembers(SimulatedFleet fleet, Path hubCa) throws java.io.IOException {
    this.fleet = fleet;
    this.agentThreads = AgentThreads.shared(Math.min(128, Math.max(16, fleet.members().size())));
    this.memberCallbacks =
        inProcessMembers
            ? dev.flotilla.inprocess.InProcessHttpClientFactory.callbackPool("sim-member-io-")
            : null;
    if (Boolean.parseBoolean(System.getProperty(SHARED_CLIENTS_PROPERTY, "true"))) {
      String hubCaPem = java.nio.file.Files.readString(hubCa);
      int n = (fleet.members().size() + AGENTS_PER_HUB_TRANSPORT - 1) / AGENTS_PER_HUB_TRANSPORT;
      List<SharedJdkTransport> transports = new ArrayList<>();
      for (int i = 0; i < Math.max(1, n); i++) {
        transports.add(SharedJdkTransport.trusting(List.of(hubCaPem)));
      }
      hubTransports = List.copyOf(transports);
      memberTransport =
          inProcessMembers
              ? null
              : SharedJdkTransport.trusting(
                  fleet.kubeconfigContexts().stream().map(KubeconfigContext::caPem).toList());
    } else {
      hubTransports = null;
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
    members.warmUpHubTransports(hubUrl);
    List<SimulatedMember> all = members.fleet.members();
    for (int i = 0; i < all.size(); i++) {
      SimulatedMember member = all.get(i);
      SharedJdkTransport hubTransport =
          members.hubTransports == null
              ? null
              : members.hubTransports.get(i / AGENTS_PER_HUB_TRANSPORT);
      joins.add(joining.submit(() -> members.join(member, hubTransport, hubUrl, hubCa, hubAdmin)));
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
  private Void join(
      SimulatedMember member,
      SharedJdkTransport hubTransport,
      String hubUrl,
      Path hubCa,
      KubernetesClient hubAdmin)
      throws Exception {
    String token = AgentCredentials.issue(hubAdmin, member.name());
    KubernetesClient hubClient =
        builder(hubTransport)
            .withConfig(
                new ConfigBuilder()
                    .withMasterUrl(hubUrl)
                    .withCaCertFile(hubCa.toString())
                    .withOauthToken(token)
                    // Where the hub offers HTTP/2, a watch is a stream on the transport's one
                    // connection; as a WebSocket it is an HTTP/1.1 connection of its own.
                    .withOnlyHttpWatches(hubTransport != null)
                    .build())
            .build();
    KubeconfigContext ctx = member.kubeconfigContext();
    KubernetesClient memberClient =
        inProcessMembers ? inProcessClient(member, ctx) : httpsClient(ctx);
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

  /** The agent's client of its member over HTTPS, on the shared member transport if any. */
  private KubernetesClient httpsClient(KubeconfigContext ctx) {
    return builder(memberTransport)
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
  }

  /**
   * The agent's client of its member in process, with the member's admin token (the agent's
   * credential there, as over HTTPS); watches are in-process WebSockets, one message per event.
   */
  private KubernetesClient inProcessClient(SimulatedMember member, KubeconfigContext ctx) {
    var transport =
        new dev.flotilla.inprocess.InProcessHttpClientFactory(
            member.server()::serveInProcess, memberCallbacks);
    inProcessTransports.add(transport);
    return Fabric8Clients.builder()
        .withConfig(
            new ConfigBuilder().withMasterUrl(ctx.serverUrl()).withOauthToken(ctx.token()).build())
        .withHttpClientFactory(transport)
        .withKubernetesSerialization(serialization)
        .build();
  }

  /** Requests the agents sent their members in process (none over HTTPS), for tests. */
  long inProcessMemberRequests() {
    return inProcessTransports.stream()
        .mapToLong(dev.flotilla.inprocess.InProcessHttpClientFactory::served)
        .sum();
  }

  /**
   * One request through each hub transport before the agents start: requests racing to a server the
   * JDK client has no connection to open one each, and the extra ones then carry watches.
   */
  private void warmUpHubTransports(String hubUrl) {
    if (hubTransports == null) {
      return;
    }
    for (SharedJdkTransport t : hubTransports) {
      try {
        t.httpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(hubUrl + "/livez"))
                    .timeout(java.time.Duration.ofSeconds(30))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.discarding());
      } catch (java.io.IOException e) {
        // the agents retry on their own
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** The members themselves (API servers and simulators), e.g. for in-process benchmarks. */
  public SimulatedFleet fleet() {
    return fleet;
  }

  public List<KubeconfigContext> kubeconfigContexts() {
    return fleet.kubeconfigContexts();
  }

  private io.fabric8.kubernetes.client.KubernetesClientBuilder builder(
      SharedJdkTransport transport) {
    return (transport != null ? transport.builder() : Fabric8Clients.builder())
        .withKubernetesSerialization(serialization);
  }

  @Override
  public void close() {
    agents.forEach(MemberAgent::close);
    agentThreads.close();
    clients.forEach(KubernetesClient::close);
    fleet.close();
    if (memberCallbacks != null) {
      memberCallbacks.shutdown(); // after the members: a reply still on its way has a thread
    }
  }
}
