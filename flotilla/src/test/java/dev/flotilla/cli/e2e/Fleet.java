package dev.flotilla.cli.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.agent.AgentConfig;
import dev.flotilla.agent.ClientSource;
import dev.flotilla.agent.MemberAgent;
import dev.flotilla.apiserver.HubConfig;
import dev.flotilla.apiserver.HubServer;
import dev.flotilla.apiserver.auth.KubeconfigContext;
import dev.flotilla.cli.E2ESupport;
import dev.flotilla.controller.ControllerManager;
import dev.flotilla.controller.FailoverOptions;
import dev.flotilla.controller.runtime.Kinds;
import dev.flotilla.controller.runtime.Trees;
import dev.flotilla.fixtures.Await;
import dev.flotilla.fixtures.TestClients;
import dev.flotilla.policies.names.Names;
import dev.flotilla.sim.SimulatedFleet;
import dev.flotilla.sim.SimulatedMember;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * One federation for a test class, wired as {@code flotilla hub --sim-members N} wires it: a hub on
 * an ephemeral port, a {@link ControllerManager} on the hub's admin client, simulated members
 * {@code member1..N} (member1 and member2 in region-a, member3 in region-b) and one {@link
 * MemberAgent} per member holding its own hub credential. Agents label their Clusters {@code
 * e2e.flotilla.dev/env} (member1 dev, the others prod) and {@code e2e.flotilla.dev/name=<member>}.
 * Agents and the controller manager can be stopped and started again; everything else lives as long
 * as the fleet.
 */
public final class Fleet implements AutoCloseable {
  public static final String ENV_LABEL = "e2e.flotilla.dev/env";
  public static final String NAME_LABEL = "e2e.flotilla.dev/name";
  private static final AtomicInteger NAMESPACES = new AtomicInteger();

  /** How the fleet is built; agent timings are short so lease and status changes show fast. */
  public record Options(
      int members,
      Duration leaseDuration,
      Duration renewInterval,
      Duration statusInterval,
      FailoverOptions failover) {
    public static Options defaults() {
      return new Options(
          3,
          Duration.ofSeconds(40),
          Duration.ofSeconds(2),
          Duration.ofSeconds(1),
          FailoverOptions.DEFAULTS);
    }

    /** Agents whose lease expires a few seconds after they stop. */
    public static Options shortLeases() {
      return new Options(
          3,
          Duration.ofSeconds(5),
          Duration.ofMillis(500),
          Duration.ofSeconds(1),
          FailoverOptions.DEFAULTS);
    }

    /** These options with the controller manager's eviction settings. */
    public Options withFailover(FailoverOptions f) {
      return new Options(members, leaseDuration, renewInterval, statusInterval, f);
    }
  }

  private final Options options;
  private final Path dataDir;
  private volatile HubServer hub;
  private volatile KubernetesClient admin;
  private final SimulatedFleet sims;
  private final List<KubernetesClient> clients = new ArrayList<>();
  private final Map<String, KubernetesClient> memberClients = new LinkedHashMap<>();
  private final Map<String, KubernetesClient> agentHubClients = new LinkedHashMap<>();
  private final Map<String, AgentConfig> agentConfigs = new LinkedHashMap<>();
  private final Map<String, MemberAgent> agents = new ConcurrentHashMap<>();
  private final AtomicInteger managerGeneration = new AtomicInteger();
  private volatile ControllerManager controllers;
  private volatile KubernetesClient controllerClient;

  private Fleet(
      Options options, Path dataDir, HubServer hub, KubernetesClient admin, SimulatedFleet sims) {
    this.options = options;
    this.dataDir = dataDir;
    this.hub = hub;
    this.admin = admin;
    this.sims = sims;
  }

  /** Starts everything and waits until every member is a Ready Cluster with its APIs listed. */
  public static Fleet start(Options options) throws Exception {
    long t0 = System.nanoTime();
    Path dir = Files.createTempDirectory("flotilla-e2e");
    HubServer hub = HubServer.create(HubConfig.of(dir.resolve("hub"), 0)).start();
    KubernetesClient admin = E2ESupport.adminClient(hub);
    long t1 = System.nanoTime();
    SimulatedFleet sims;
    try {
      sims = SimulatedFleet.start(dir.resolve("members"), options.members());
    } catch (RuntimeException e) {
      admin.close();
      hub.close();
      throw e;
    }
    Fleet fleet = new Fleet(options, dir, hub, admin, sims);
    try {
      fleet.startControllers();
      int i = 0;
      for (SimulatedMember member : sims.members()) {
        i++;
        fleet.wireAgent(member, i == 1 ? "dev" : "prod");
      }
      long t2 = System.nanoTime();
      for (String name : fleet.memberNames()) {
        fleet.startAgent(name);
      }
      for (String name : fleet.memberNames()) {
        Await.until(
            "Cluster " + name + " Ready with its APIs listed",
            () -> {
              JsonNode c = fleet.cluster(name);
              return c != null
                      && "True".equals(Fleet.conditionStatus(c, "Ready"))
                      && c.path("status").path("apiEnablements").size() > 0
                  ? c
                  : null;
            });
      }
      Await.until("the controller manager leads", () -> fleet.controllers.leading() ? true : null);
      System.out.printf(
          "[e2e] fleet start: hub %d ms, members %d ms, agents and Clusters Ready %d ms%n",
          (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (System.nanoTime() - t2) / 1_000_000);
    } catch (Exception | Error e) {
      fleet.close();
      throw e;
    }
    return fleet;
  }

  private void wireAgent(SimulatedMember member, String env) throws Exception {
    String token = E2ESupport.issueAgentToken(admin, member.name());
    KubernetesClient hubClient =
        tokenClient(hub.url(), Files.readString(hub.certificateAuthority().caCertPath()), token);
    KubeconfigContext ctx = member.kubeconfigContext();
    KubernetesClient memberClient = tokenClient(ctx.serverUrl(), ctx.caPem(), ctx.token());
    clients.add(hubClient);
    clients.add(memberClient);
    agentHubClients.put(member.name(), hubClient);
    memberClients.put(member.name(), memberClient);
    agentConfigs.put(
        member.name(),
        agentConfig(member, hubClient, memberClient)
            .labels(
                Map.of("flotilla.dev/simulated", "true", ENV_LABEL, env, NAME_LABEL, member.name()))
            .leaseDuration(options.leaseDuration())
            .renewInterval(options.renewInterval())
            .statusInterval(options.statusInterval())
            .build());
  }

  /**
   * The agent of a simulated member as the launcher configures it: its own hub credential, the
   * member's admin client, and the member's name, topology and URL.
   */
  public static AgentConfig.Builder agentConfig(
      SimulatedMember member, KubernetesClient hubClient, KubernetesClient memberClient) {
    return AgentConfig.builder()
        .hub(ClientSource.of(hubClient))
        .member(ClientSource.of(memberClient))
        .clusterName(member.name())
        .provider(member.cluster().provider())
        .region(member.cluster().region())
        .zones(member.cluster().zones())
        .apiEndpoint(member.url());
  }

  static KubernetesClient tokenClient(String url, String caPem, String token) {
    return TestClients.fabric8(url, caPem, token);
  }

  // ---- the parts tests stop and start ----

  /**
   * Starts a new agent process for {@code member} (a fresh {@link MemberAgent}, same credential).
   */
  public MemberAgent startAgent(String member) {
    MemberAgent agent = new MemberAgent(agentConfigs.get(member)).start();
    MemberAgent old = agents.put(member, agent);
    if (old != null) {
      old.close();
    }
    return agent;
  }

  /** Stops the agent of {@code member}; the member and its objects stay as they are. */
  public void stopAgent(String member) {
    MemberAgent agent = agents.remove(member);
    if (agent != null) {
      agent.close();
    }
  }

  /** Starts a controller manager with a new identity; it leads once no other one does. */
  public ControllerManager startControllers() {
    if (controllerClient == null) {
      // As the launcher wires them: in process, as the controllers' own RBAC-bound identity.
      controllerClient = E2ESupport.controllerClient(hub);
      clients.add(controllerClient);
    }
    controllers =
        new ControllerManager(
                controllerClient, "e2e-controllers-" + managerGeneration.incrementAndGet())
            .failover(options.failover())
            .start();
    return controllers;
  }

  public void stopControllers() {
    ControllerManager current = controllers;
    if (current != null) {
      current.close();
    }
  }

  public ControllerManager controllers() {
    return controllers;
  }

  /**
   * Stops the controller manager and the hub, and starts both again on the same data and port, as a
   * restart of {@code flotilla hub} does; agents and members keep running and reconnect.
   */
  public void restartHub() throws Exception {
    restartHubWithoutControllers();
    startControllers();
  }

  /**
   * As {@link #restartHub()}, leaving the controllers stopped: what reaches the members until
   * {@link #startControllers()} is the Works as stored and what the test writes.
   */
  public void restartHubWithoutControllers() throws Exception {
    int port = hub.port();
    stopControllers();
    admin.close();
    if (controllerClient != null) {
      // It is bound to the old hub in process: the new one has another router and token.
      clients.remove(controllerClient);
      controllerClient.close();
      controllerClient = null;
    }
    hub.close();
    hub = HubServer.create(HubConfig.of(dataDir.resolve("hub"), port)).start();
    admin = E2ESupport.adminClient(hub);
  }

  // ---- clients ----

  public HubServer hub() {
    return hub;
  }

  /** The client the controllers use (in process, see {@code HubClients.controllers}). */
  public KubernetesClient controllerClient() {
    return controllerClient;
  }

  /** The hub admin client (as {@code kubectl --context flotilla}). */
  public KubernetesClient hubClient() {
    return admin;
  }

  /** The member's admin client (as {@code kubectl --context memberN}). */
  public KubernetesClient member(String name) {
    KubernetesClient c = memberClients.get(name);
    if (c == null) {
      throw new IllegalArgumentException("no member " + name);
    }
    return c;
  }

  /** The hub client the member's agent uses: the agent's own credential. */
  public KubernetesClient agentHubClient(String name) {
    return agentHubClients.get(name);
  }

  public List<String> memberNames() {
    return sims.members().stream().map(SimulatedMember::name).toList();
  }

  // ---- hub helpers ----

  /** Creates a fresh hub namespace for one test. */
  public String newNamespace(String prefix) {
    String name = "e2e-" + prefix + "-" + NAMESPACES.incrementAndGet();
    admin
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    return name;
  }

  /** Creates every object of a YAML stream on the hub, in order. */
  public List<HasMetadata> create(String yaml) {
    List<HasMetadata> created = new ArrayList<>();
    for (HasMetadata item :
        admin.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items()) {
      created.add(admin.resource(item).create());
    }
    return created;
  }

  /** The hub's Cluster object, or null. */
  public JsonNode cluster(String name) {
    GenericKubernetesResource c =
        admin.genericKubernetesResources(Kinds.CLUSTER).withName(name).get();
    return c == null ? null : Trees.tree(c);
  }

  /** The Works in {@code karmada-es-<cluster>} whose manifest is this template. */
  public List<JsonNode> works(String cluster, String namespace, String kind, String name) {
    List<JsonNode> out = new ArrayList<>();
    for (GenericKubernetesResource w :
        admin
            .genericKubernetesResources(Kinds.WORK)
            .inNamespace(Names.executionNamespace(cluster))
            .list()
            .getItems()) {
      JsonNode tree = Trees.tree(w);
      JsonNode m = tree.path("spec").path("workload").path("manifests").path(0);
      if (kind.equals(m.path("kind").asText())
          && name.equals(m.path("metadata").path("name").asText())
          && (namespace == null
              || namespace.equals(m.path("metadata").path("namespace").asText(null)))) {
        out.add(tree);
      }
    }
    return out;
  }

  /** The one Work for this template in the cluster, or null. */
  public JsonNode work(String cluster, String namespace, String kind, String name) {
    List<JsonNode> works = works(cluster, namespace, kind, name);
    if (works.size() > 1) {
      throw new AssertionError(
          works.size()
              + " Works for "
              + kind
              + " "
              + namespace
              + "/"
              + name
              + " in "
              + cluster
              + ": "
              + works);
    }
    return works.isEmpty() ? null : works.get(0);
  }

  /** The ResourceBinding of a namespaced template, or null. */
  public JsonNode binding(String namespace, String kind, String name) {
    GenericKubernetesResource rb =
        admin
            .genericKubernetesResources(Kinds.RESOURCE_BINDING)
            .inNamespace(namespace)
            .withName(Names.bindingName(name, kind))
            .get();
    return rb == null ? null : Trees.tree(rb);
  }

  /** The cluster names a binding is scheduled to, sorted. */
  public static List<String> scheduledClusters(JsonNode binding) {
    List<String> names = new ArrayList<>();
    for (JsonNode c : binding.path("spec").path("clusters")) {
      names.add(c.path("name").asText());
    }
    names.sort(Comparator.naturalOrder());
    return names;
  }

  /** The status of a condition type, or null. */
  public static String conditionStatus(JsonNode obj, String type) {
    JsonNode c = condition(obj, type);
    return c == null ? null : c.path("status").asText();
  }

  public static JsonNode condition(JsonNode obj, String type) {
    for (JsonNode c : obj.path("status").path("conditions")) {
      if (type.equals(c.path("type").asText())) {
        return c;
      }
    }
    return null;
  }

  /** What the hub knows about a test namespace's propagation, for failure messages. */
  public String describe(String namespace) {
    StringBuilder sb = new StringBuilder();
    try {
      for (String name : memberNames()) {
        JsonNode c = cluster(name);
        sb.append("Cluster ")
            .append(name)
            .append(": labels=")
            .append(c == null ? "-" : c.path("metadata").path("labels"))
            .append(" taints=")
            .append(c == null ? "-" : c.path("spec").path("taints"))
            .append(" conditions=")
            .append(c == null ? "-" : c.path("status").path("conditions"))
            .append('\n');
      }
      if (namespace != null) {
        for (GenericKubernetesResource rb :
            admin
                .genericKubernetesResources(Kinds.RESOURCE_BINDING)
                .inNamespace(namespace)
                .list()
                .getItems()) {
          JsonNode t = Trees.tree(rb);
          sb.append("ResourceBinding ")
              .append(rb.getMetadata().getName())
              .append(": spec.clusters=")
              .append(t.path("spec").path("clusters"))
              .append(" status=")
              .append(t.path("status"))
              .append('\n');
        }
      }
      for (String name : memberNames()) {
        for (GenericKubernetesResource w :
            admin
                .genericKubernetesResources(Kinds.WORK)
                .inNamespace(Names.executionNamespace(name))
                .list()
                .getItems()) {
          JsonNode t = Trees.tree(w);
          JsonNode m = t.path("spec").path("workload").path("manifests").path(0);
          if (namespace == null
              || namespace.equals(m.path("metadata").path("namespace").asText())) {
            sb.append("Work ")
                .append(name)
                .append('/')
                .append(w.getMetadata().getName())
                .append(" (")
                .append(m.path("kind").asText())
                .append(' ')
                .append(m.path("metadata").path("name").asText())
                .append("): conditions=")
                .append(t.path("status").path("conditions"))
                .append('\n');
          }
        }
      }
    } catch (RuntimeException e) {
      sb.append("(could not describe: ").append(e).append(")\n");
    }
    return sb.toString();
  }

  @Override
  public void close() {
    for (MemberAgent agent : agents.values()) {
      try {
        agent.close();
      } catch (RuntimeException ignored) {
        // stopping the rest matters more
      }
    }
    agents.clear();
    stopControllers();
    clients.forEach(KubernetesClient::close);
    sims.close();
    admin.close();
    hub.close();
    deleteRecursively(dataDir);
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException ignored) {
                  // best effort
                }
              });
    } catch (IOException ignored) {
      // best effort
    }
  }
}
