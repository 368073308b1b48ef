package dev.flotilla.bench;

import dev.flotilla.agent.AgentConfig;
import dev.flotilla.agent.ClientSource;
import dev.flotilla.agent.MemberAgent;
import dev.flotilla.controller.ControllerManager;
import dev.flotilla.policies.names.Names;
import dev.flotilla.sim.MemberCluster;
import dev.flotilla.sim.SimulatedMember;
import dev.flotilla.store.etcd.LocalEtcd;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Two hub replicas (separate JVMs) on a three-member etcd, with writes going through both: the
 * leading hub is SIGKILLed, then one etcd member. One run records when the other hub took the
 * controllers' Lease, wrote its first Work and propagated to a simulated member, and checks that no
 * acknowledged write was lost and that a watcher saw every write once (or a 410). One more member,
 * {@code edge}, has its agent in this process with both hubs' URLs ({@code --hub-servers}), hub A
 * first: it must move to hub B when A dies and keep applying what the hub decides.
 */
final class HubFailover {
  /** A member whose agent runs in this process and lists both hubs, hub A first. */
  static final String EDGE = "edge";

  /** One run's timeline (seconds after the leader hub's SIGKILL) and its losses. */
  record Timeline(
      double leaseTaken,
      double firstWork,
      double propagated,
      double edgeFailedOver,
      double propagatedAfterEtcdKill,
      int acknowledged,
      int lost,
      int worksRewritten,
      int watchedTwice,
      int watchMissed,
      boolean watch410) {
    String line() {
      return String.format(
          "lease taken %.1f s, first Work %.1f s, in member %.1f s, in the edge member (its"
              + " agent was on the killed hub) %.1f s; after an etcd member's kill, in member %.1f s"
              + " later; writes acknowledged %d, lost %d; Works rewritten %d;"
              + " watch: %d missed, %d twice%s",
          leaseTaken,
          firstWork,
          propagated,
          edgeFailedOver,
          propagatedAfterEtcdKill,
          acknowledged,
          lost,
          worksRewritten,
          watchMissed,
          watchedTwice,
          watch410 ? " (ended in 410)" : "");
    }
  }

  private final Duration lease;

  HubFailover(Duration lease) {
    this.lease = lease;
  }

  /** Runs the scenario {@code runs} times and prints each timeline and the medians. */
  static void printRuns(int runs, Duration lease) throws Exception {
    System.out.printf(
        "hub failover on etcd: 2 hubs, 3 etcd members, lease %d s, %d cores, load average %.1f%n",
        lease.toSeconds(), Runtime.getRuntime().availableProcessors(), loadAverage());
    Percentiles taken = new Percentiles();
    Percentiles work = new Percentiles();
    Percentiles member = new Percentiles();
    for (int i = 1; i <= runs; i++) {
      Path dir = Files.createTempDirectory("flotilla-hub-failover");
      Timeline t = new HubFailover(lease).runOnce(dir);
      System.out.printf("run %2d  %s%n", i, t.line());
      taken.add((long) (t.leaseTaken() * 1e9));
      work.add((long) (t.firstWork() * 1e9));
      member.add((long) (t.propagated() * 1e9));
    }
    System.out.printf(
        "timeline over %d runs, load average %.1f at the end:%n", runs, loadAverage());
    System.out.println("  leader hub killed -> controllers back (Lease taken): " + taken.summary());
    System.out.println("  leader hub killed -> first Work written:             " + work.summary());
    System.out.println(
        "  leader hub killed -> in a member:                    " + member.summary());
  }

  private static double loadAverage() {
    return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  Timeline runOnce(Path dir) throws Exception {
    try (LocalEtcd etcd = LocalEtcd.start(dir.resolve("etcd"), 3)) {
      List<String> args =
          List.of(
              "--etcd-servers",
              etcd.servers(),
              "--leader-elect-lease-duration",
              lease.toMillis() + "ms",
              "--leader-elect-renew-deadline",
              lease.toMillis() * 2 / 3 + "ms",
              "--leader-elect-retry-period",
              "1s");
      List<String> jvm = List.of("-Xmx384m");
      Path dataA = dir.resolve("a").resolve("data");
      Files.createDirectories(dataA.getParent());
      try (HubProcess a = HubProcess.start(dataA, jvm, args)) {
        // The second replica gets the first one's CA and tokens, as one Secret mounted in both.
        Path dataB = dir.resolve("b").resolve("data");
        copyTree(dataA, dataB, Set.of("store", "kubeconfig"));
        List<String> argsB = new ArrayList<>(args);
        argsB.addAll(List.of("--sim-members", "2", "--sim-member-store", "MEMORY"));
        try (HubProcess b = HubProcess.start(dataB, jvm, argsB);
            KubernetesClient viaA = client(dataA, "flotilla");
            KubernetesClient viaB = client(dataB, "flotilla");
            KubernetesClient member1 = client(dataB, "member1");
            SimulatedMember edge =
                SimulatedMember.start(MemberCluster.of(EDGE, 9, dir.resolve("edge")));
            MemberAgent edgeAgent = edgeAgent(edge, dataA, viaA, viaB);
            KubernetesClient edgeClient = kubeconfigClient(edge.writeKubeconfig(), EDGE)) {
          return scenario(etcd, a, viaA, viaB, member1, edgeClient);
        }
      }
    }
  }

  /**
   * The agent of a member outside either hub's process, given both hubs' URLs (hub A first) and hub
   * A's admin credential (the replicas share CA and tokens): it works through A until A dies.
   */
  private static MemberAgent edgeAgent(
      SimulatedMember edge, Path dataA, KubernetesClient viaA, KubernetesClient viaB) {
    List<URI> hubs =
        List.of(
            URI.create(viaA.getMasterUrl().toString()), URI.create(viaB.getMasterUrl().toString()));
    return new MemberAgent(
            AgentConfig.builder()
                .hub(
                    ClientSource.kubeconfig(dataA.resolve("kubeconfig"), "flotilla")
                        .withServers(hubs))
                .member(ClientSource.kubeconfig(edge.writeKubeconfig(), EDGE))
                .clusterName(EDGE)
                .apiEndpoint(edge.url())
                .build())
        .start();
  }

  private Timeline scenario(
      LocalEtcd etcd,
      HubProcess a,
      KubernetesClient viaA,
      KubernetesClient viaB,
      KubernetesClient member1,
      KubernetesClient edge)
      throws Exception {
    String leaderA = holder(viaB);
    viaA.namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName("load").endMetadata().build())
        .create();
    Map<String, AtomicInteger> watched = new ConcurrentHashMap<>();
    AtomicBoolean gone = new AtomicBoolean();
    String from = viaB.configMaps().inNamespace("load").list().getMetadata().getResourceVersion();
    Watch watch =
        viaB.configMaps()
            .inNamespace("load")
            .withResourceVersion(from)
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, ConfigMap cm) {
                    if (action == Action.ADDED) {
                      watched
                          .computeIfAbsent(cm.getMetadata().getName(), k -> new AtomicInteger())
                          .incrementAndGet();
                    }
                  }

                  @Override
                  public void onClose(WatcherException cause) {
                    gone.set(cause != null && cause.isHttpGone());
                  }
                });
    Set<String> acked = ConcurrentHashMap.newKeySet();
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicBoolean aDead = new AtomicBoolean();
    Thread writerA = writer("a", viaA, acked, writing, aDead::get);
    Thread writerB = writer("b", viaB, acked, writing, () -> false);
    propagate(viaB, "p0");
    until("p0 in member1 (controllers on the first hub)", () -> inMember(member1, "p0"));
    until("p0 in the edge member (its agent on the first hub)", () -> inMember(edge, "p0"));
    until("p0's Works in both members", () -> workGenerations(viaB, "p0").size() == 2);
    Map<String, Long> generations = workGenerations(viaB, "p0");

    long t0 = System.nanoTime();
    a.process.destroyForcibly(); // SIGKILL
    aDead.set(true);
    propagate(viaB, "p1");
    until("another holder of the controllers' Lease", () -> !leaderA.equals(holder(viaB)));
    double leaseTaken = since(t0);
    until("a Work for p1", () -> workFor(viaB, "p1"));
    double firstWork = since(t0);
    until("p1 in member1", () -> inMember(member1, "p1"));
    double propagated = since(t0);
    until(
        "p1 in the edge member, its agent moved to the surviving hub", () -> inMember(edge, "p1"));
    double edgeFailedOver = since(t0);
    // The new leader resumed from the store: p0's Works, unchanged, keep their generation.
    Map<String, Long> resumed = workGenerations(viaB, "p0");
    int rewritten =
        (int)
            generations.keySet().stream()
                .filter(k -> !java.util.Objects.equals(generations.get(k), resumed.get(k)))
                .count();

    long t1 = System.nanoTime();
    etcd.kill(etcd.members().get(0));
    propagate(viaB, "p2");
    until("p2 in member1 with an etcd member down", () -> inMember(member1, "p2"));
    double afterEtcdKill = since(t1);
    int before = acked.size();
    until("more writes through the surviving hub", () -> acked.size() >= before + 20);
    writing.set(false);
    writerA.join(TimeUnit.MINUTES.toMillis(2));
    writerB.join(TimeUnit.MINUTES.toMillis(2));

    Set<String> stored = ConcurrentHashMap.newKeySet();
    viaB.configMaps()
        .inNamespace("load")
        .list()
        .getItems()
        .forEach(c -> stored.add(c.getMetadata().getName()));
    int lost = (int) acked.stream().filter(n -> !stored.contains(n)).count();
    untilOrNot(() -> gone.get() || acked.stream().allMatch(watched::containsKey));
    watch.close();
    int missed = (int) acked.stream().filter(n -> !watched.containsKey(n)).count();
    int twice = (int) watched.values().stream().filter(c -> c.get() > 1).count();
    return new Timeline(
        leaseTaken,
        firstWork,
        propagated,
        edgeFailedOver,
        afterEtcdKill,
        acked.size(),
        lost,
        rewritten,
        twice,
        missed,
        gone.get());
  }

  /** Creates ConfigMaps through one hub until told to stop or the hub is known dead. */
  private static Thread writer(
      String hub,
      KubernetesClient client,
      Set<String> acked,
      AtomicBoolean writing,
      Supplier<Boolean> dead) {
    Thread t =
        new Thread(
            () -> {
              for (int i = 0; writing.get() && !dead.get(); i++) {
                String name = hub + "-" + i;
                try {
                  client
                      .configMaps()
                      .inNamespace("load")
                      .resource(
                          new ConfigMapBuilder()
                              .withNewMetadata()
                              .withName(name)
                              .endMetadata()
                              .withData(Map.of("i", Integer.toString(i)))
                              .build())
                      .create();
                  acked.add(name);
                } catch (RuntimeException e) {
                  // Not acknowledged (the hub died, or etcd lost a member meanwhile): not counted.
                  sleep(100);
                }
              }
            },
            "writer-" + hub);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static String holder(KubernetesClient client) {
    Lease l =
        client
            .leases()
            .inNamespace(ControllerManager.LEASE_NAMESPACE)
            .withName(ControllerManager.LEASE_NAME)
            .get();
    return l == null || l.getSpec().getHolderIdentity() == null
        ? ""
        : l.getSpec().getHolderIdentity();
  }

  private static void propagate(KubernetesClient client, String name) {
    String yaml =
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: "
            + name
            + ", namespace: default}\ndata: {k: v}\n---\n"
            + "apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\n"
            + "metadata: {name: "
            + name
            + ", namespace: default}\nspec:\n"
            + "  resourceSelectors: [{apiVersion: v1, kind: ConfigMap, name: "
            + name
            + "}]\n  placement: {clusterAffinity: {clusterNames: [member1, member2, "
            + EDGE
            + "]}}\n";
    client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).serverSideApply();
  }

  /** The generation (spec writes) of each Work for {@code name}, by member namespace. */
  private static Map<String, Long> workGenerations(KubernetesClient hub, String name) {
    Map<String, Long> out = new java.util.TreeMap<>();
    for (String ns : List.of("karmada-es-member1", "karmada-es-member2")) {
      for (var w :
          hub.genericKubernetesResources("work.karmada.io/v1alpha1", "Work")
              .inNamespace(ns)
              .list()
              .getItems()) {
        if (w.getMetadata().getName().startsWith(name + "-")) {
          out.put(ns + "/" + w.getMetadata().getName(), w.getMetadata().getGeneration());
        }
      }
    }
    return out;
  }

  private static boolean workFor(KubernetesClient hub, String name) {
    return hub
        .genericKubernetesResources("work.karmada.io/v1alpha1", "Work")
        .inNamespace(Names.executionNamespace("member1"))
        .list()
        .getItems()
        .stream()
        .anyMatch(w -> w.getMetadata().getName().startsWith(name + "-"));
  }

  private static boolean inMember(KubernetesClient member, String name) {
    return member.configMaps().inNamespace("default").withName(name).get() != null;
  }

  private static KubernetesClient client(Path dataDir, String context) throws Exception {
    return kubeconfigClient(dataDir.resolve("kubeconfig"), context);
  }

  private static KubernetesClient kubeconfigClient(Path kubeconfigFile, String context)
      throws Exception {
    String kubeconfig = Files.readString(kubeconfigFile);
    return new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(context, kubeconfig, null))
        .build();
  }

  private static double since(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  /** Waits (polling, errors counting as "not yet") up to five minutes, or fails. */
  static void until(String what, Supplier<Boolean> condition) {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (true) {
      try {
        if (condition.get()) {
          return;
        }
      } catch (RuntimeException notYet) {
        // a hub or etcd member on its way down or back
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out waiting for " + what);
      }
      sleep(100);
    }
  }

  private static void untilOrNot(Supplier<Boolean> condition) {
    try {
      until("the watcher to catch up", condition);
    } catch (IllegalStateException e) {
      // counted as missed below
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static void copyTree(Path from, Path to, Set<String> skip) throws Exception {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path p : paths.toList()) {
        Path rel = from.relativize(p);
        if (!rel.toString().isEmpty() && skip.contains(rel.getName(0).toString())) {
          continue;
        }
        Path target = to.resolve(rel.toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }
}
