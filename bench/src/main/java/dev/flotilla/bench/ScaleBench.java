package dev.flotilla.bench;

import dev.flotilla.apiserver.objects.StorageKeys;
import dev.flotilla.apiserver.registry.ResourceType;
import dev.flotilla.apiserver.storage.Store;
import dev.flotilla.sim.SimulatedMember;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code bench scale}: joins N simulated clusters (each with its own agent and hub credential) to
 * one hub, waits until all are Ready, holds them to see they stay Ready, and prints the hub's
 * steady write rate, RSS and CPU (the benchmark process's CPU apart), then the distribution latency
 * of a template to every cluster. The last line says OK or FAIL (a cluster not Ready, a Ready flip,
 * a template that did not reach every cluster); FAIL exits 1.
 */
public final class ScaleBench {
  private final int clusters;
  private final int holdSeconds;
  private final int templates;
  private final int readySeconds;

  public ScaleBench(int clusters, int holdSeconds, int templates, int readySeconds) {
    this.clusters = clusters;
    this.holdSeconds = holdSeconds;
    this.templates = templates;
    this.readySeconds = readySeconds;
  }

  /** Runs the benchmark; true when every check passed. */
  public boolean run() throws Exception {
    System.out.printf(
        "flotilla scale benchmark: %d clusters, %d cores, bench heap max %d MiB, agents reach"
            + " members over %s (%s)%n",
        clusters,
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20,
        System.getProperty(dev.flotilla.cli.SimulatedMembers.MEMBER_TRANSPORT_PROPERTY),
        RunCost.load());
    Path work = Files.createTempDirectory("flotilla-scale");
    long t0 = System.nanoTime();
    Map<String, Double> benchAtStart = ThreadCpu.sample(ProcessHandle.current().pid());
    // The hub is what is measured, not the members' DNS (two sockets per member): without it a
    // thousand members fit this machine's 20,000 open files. -Dflotilla.sim.dns=true keeps it.
    if (System.getProperty(SimulatedMember.DNS_PROPERTY) == null) {
      System.setProperty(SimulatedMember.DNS_PROPERTY, "false");
    }
    try (FleetUnderTest fleet = new FleetUnderTest(work, clusters, false, 0)) {
      double started = seconds(t0);
      System.out.printf(
          "join      %d members and agents started in %.1f s; hub RSS %.0f MiB; threads: hub %d,"
              + " bench %d (%s)%n",
          clusters,
          started,
          fleet.hub.rssMiB(),
          RunCost.liveThreads(fleet.hub.process.pid()),
          RunCost.liveThreads(ProcessHandle.current().pid()),
          RunCost.load());
      int ready = awaitAllReady(fleet, t0);
      printJoinCost(fleet, benchAtStart, t0);
      if (ready < clusters) {
        System.out.printf(
            "scale result: FAIL: only %d of %d clusters Ready after %d s%n",
            ready, clusters, readySeconds);
        return false;
      }
      boolean ok;
      try (ReadinessTap tap = new ReadinessTap(fleet.admin)) {
        RunCost.Idle idle = hold(fleet);
        int stillReady = fleet.readyCount();
        List<String> flips = tap.drain();
        int arrivedAll = distribute(fleet, idle);
        flips.addAll(tap.drain());
        ok = stillReady == clusters && flips.isEmpty() && arrivedAll == templates;
        System.out.printf(
            "scale result: %s: %d of %d clusters Ready after the hold, %d Ready flips%s, %d of %d"
                + " templates in every cluster (%s)%n",
            ok ? "OK" : "FAIL",
            stillReady,
            clusters,
            flips.size(),
            flips.isEmpty() ? "" : " " + flips.subList(0, Math.min(10, flips.size())),
            arrivedAll,
            templates,
            RunCost.load());
      }
      return ok;
    }
  }

  /**
   * Where the join's CPU went, hub apart from the simulation (members, simulators, agents in this
   * process), by thread group: the hub's from its start, this process's from the bench's start.
   */
  private static void printJoinCost(FleetUnderTest fleet, Map<String, Double> benchAtStart, long t0)
      throws Exception {
    long hubPid = fleet.hub.process.pid();
    long self = ProcessHandle.current().pid();
    Map<String, Double> hub = ThreadCpu.sample(hubPid);
    Map<String, Double> bench = ThreadCpu.sample(self);
    System.out.printf(
        "join      CPU over %.0f s: hub %.1f s (%s); bench %.1f s (%s) [s per thread group]%n",
        seconds(t0),
        RunCost.cpuSeconds(hubPid),
        ThreadCpu.top(Map.of(), hub, 1000, 8),
        bench.values().stream().mapToDouble(Double::doubleValue).sum()
            - benchAtStart.values().stream().mapToDouble(Double::doubleValue).sum(),
        ThreadCpu.top(benchAtStart, bench, 1000, 10));
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  /** Waits for every cluster to be Ready, printing progress every 15 s; returns how many are. */
  private int awaitAllReady(FleetUnderTest fleet, long t0) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(readySeconds);
    long nextPrint = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    int ready = fleet.readyCount();
    while (ready < clusters && System.nanoTime() < deadline) {
      Thread.sleep(1000);
      ready = fleet.readyCount();
      if (System.nanoTime() > nextPrint) {
        nextPrint += TimeUnit.SECONDS.toNanos(15);
        System.out.printf(
            "join      %.0f s: %d of %d Ready; hub RSS %.0f MiB; bench heap %d MiB (%s)%n",
            seconds(t0), ready, clusters, fleet.hub.rssMiB(), usedHeapMiB(), RunCost.load());
      }
    }
    System.out.printf(
        "join      %d of %d clusters Ready %.1f s after the start%n", ready, clusters, seconds(t0));
    return ready;
  }

  /**
   * The fleet left alone: the hub's writes per second by resource (leases and cluster status are
   * the steady traffic), its CPU and RSS, and the benchmark process's own CPU (members, simulators,
   * agents) apart.
   */
  private RunCost.Idle hold(FleetUnderTest fleet) throws Exception {
    RunCost before = RunCost.sample(fleet);
    Map<String, Double> hubThreads = ThreadCpu.sample(fleet.hub.process.pid());
    Map<String, Double> benchThreads = ThreadCpu.sample(ProcessHandle.current().pid());
    long t = System.nanoTime();
    Thread.sleep(TimeUnit.SECONDS.toMillis(holdSeconds));
    RunCost after = RunCost.sample(fleet);
    double s = seconds(t);
    int held = (int) Math.max(1, Math.round(s));
    System.out.printf(
        "steady    CPU by thread group, ms per s: hub %s; bench %s%n",
        ThreadCpu.top(hubThreads, ThreadCpu.sample(fleet.hub.process.pid()), held, 6),
        ThreadCpu.top(benchThreads, ThreadCpu.sample(ProcessHandle.current().pid()), held, 10));
    Map<String, Double> writes = new java.util.TreeMap<>();
    Map<String, Double> reads = new java.util.TreeMap<>();
    for (Map.Entry<String, Double> e : after.hubRequests().entrySet()) {
      double d = e.getValue() - before.hubRequests().getOrDefault(e.getKey(), 0.0);
      if (d <= 0) {
        continue;
      }
      String[] parts = e.getKey().split(" ");
      boolean write = List.of("create", "update", "patch", "delete").contains(parts[0]);
      (write ? writes : reads).merge(parts[0] + " " + parts[1], d / s, Double::sum);
    }
    String metrics = fleet.hub.client().get("/metrics").body();
    System.out.printf(
        "steady    %d s held: hub writes %.1f/s %s; hub reads %.1f/s %s%n",
        holdSeconds,
        RunCost.writesBetween(before, after) / s,
        rates(writes),
        (RunCost.requestsBetween(before, after) - RunCost.writesBetween(before, after)) / s,
        rates(reads));
    System.out.printf(
        "steady    hub CPU %.2f cores, RSS %.0f MiB, heap used %.0f MiB, %d threads;"
            + " bench (members, simulators, agents) CPU %.2f cores, heap used %d MiB, %d threads"
            + " (%s)%n",
        (after.hubCpuSeconds() - before.hubCpuSeconds()) / s,
        fleet.hub.rssMiB(),
        ApiServerBench.heapMiB(metrics),
        RunCost.liveThreads(fleet.hub.process.pid()),
        (after.simCpuSeconds() - before.simCpuSeconds()) / s,
        usedHeapMiB(),
        RunCost.liveThreads(ProcessHandle.current().pid()),
        RunCost.load());
    System.out.printf("steady    bench %s%n", openFiles());
    return RunCost.Idle.between(before, after, s);
  }

  /**
   * The benchmark process's open descriptors by kind (sockets, epoll and eventfd pairs of the JDK
   * HTTP clients' selectors), against its limit: both ends of every agent-to-member connection live
   * here, and 1,000 members ran into the limit before.
   */
  static String openFiles() {
    Map<String, Integer> kinds = new java.util.TreeMap<>();
    int total = 0;
    try (var fds = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
      for (java.nio.file.Path fd : (Iterable<java.nio.file.Path>) fds::iterator) {
        try {
          String target = java.nio.file.Files.readSymbolicLink(fd).toString();
          kinds.merge(target.replaceAll("[0-9]+", "").replaceAll("/.*", "file"), 1, Integer::sum);
          total++;
        } catch (java.io.IOException e) {
          // closed while we looked
        }
      }
    } catch (java.io.IOException e) {
      return "open files: unknown";
    }
    String limit = "?";
    try {
      for (String line :
          java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/limits"))) {
        if (line.startsWith("Max open files")) {
          limit = line.replaceAll("Max open files\\s+", "").trim().split("\\s+")[0];
        }
      }
    } catch (java.io.IOException e) {
      // leave "?"
    }
    return "open files " + total + " (limit " + limit + "): " + kinds;
  }

  private static String rates(Map<String, Double> perSecond) {
    StringBuilder out = new StringBuilder("(");
    perSecond.entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .filter(e -> e.getValue() >= 0.05)
        .forEach(e -> out.append(String.format("%s %.1f, ", e.getKey(), e.getValue())));
    return out.length() > 2 ? out.substring(0, out.length() - 2) + ")" : "()";
  }

  private static long usedHeapMiB() {
    return (ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed()) >> 20;
  }

  /**
   * One template at a time to every cluster: from the hub create to the ConfigMap's commit in each
   * member's store (an in-process store watch, so no benchmark client is in the figure). Returns
   * how many templates reached every cluster. The hub's cost is printed whole and less the held
   * fleet's steady rate over the same time: at 1,000 clusters the leases alone write about 100
   * times a second, so a slower run showed more writes per template with no more template writes.
   */
  private int distribute(FleetUnderTest fleet, RunCost.Idle idle) throws Exception {
    fleet
        .admin
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName("scale").endMetadata().build())
        .create();
    fleet
        .admin
        .load(
            new ByteArrayInputStream(
                """
                apiVersion: policy.karmada.io/v1alpha1
                kind: PropagationPolicy
                metadata: {name: scale-all, namespace: scale}
                spec:
                  resourceSelectors: [{apiVersion: v1, kind: ConfigMap}]
                  placement:
                    clusterAffinity: {labelSelector: {matchLabels: {flotilla.dev/simulated: "true"}}}
                """
                    .getBytes(StandardCharsets.UTF_8)))
        .serverSideApply();
    Map<String, Long> createdAt = new ConcurrentHashMap<>();
    Map<String, AtomicInteger> arrived = new ConcurrentHashMap<>();
    Percentiles latency = new Percentiles();
    List<Store.Watch> watches = new ArrayList<>();
    for (SimulatedMember m : fleet.members.fleet().members()) {
      watches.add(watchConfigMaps(m, createdAt, arrived, latency));
    }
    int complete = 0;
    Percentiles toAll = new Percentiles();
    RunCost before = RunCost.sample(fleet);
    long start = System.nanoTime();
    try {
      for (int i = 0; i < templates; i++) {
        String name = "scale-" + i;
        arrived.put(name, new AtomicInteger());
        long t = System.nanoTime();
        createdAt.put(name, t);
        fleet
            .admin
            .configMaps()
            .inNamespace("scale")
            .resource(
                new ConfigMapBuilder()
                    .withNewMetadata()
                    .withName(name)
                    .endMetadata()
                    .addToData("payload", "x".repeat(200))
                    .build())
            .create();
        long deadline = t + TimeUnit.SECONDS.toNanos(300);
        while (arrived.get(name).get() < clusters && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        int n = arrived.get(name).get();
        if (n >= clusters) {
          complete++;
          toAll.add(System.nanoTime() - t);
        } else {
          System.out.printf("distribute %s reached only %d of %d clusters%n", name, n, clusters);
        }
      }
    } finally {
      watches.forEach(Store.Watch::close);
    }
    RunCost after = RunCost.sample(fleet);
    double took = seconds(start);
    System.out.printf(
        "distribute %d templates one at a time to %d clusters: per cluster (hub create -> member"
            + " commit) %s; last cluster %s%n",
        templates, clusters, latency.summary(), toAll.summary());
    System.out.printf(
        "distribute %s%n", RunCost.perTemplate(before, after, Math.max(1, templates), clusters));
    System.out.printf(
        "distribute less the steady rate over %.1f s: %s%n",
        took, idle.net(before, after, took, Math.max(1, templates), clusters));
    System.out.printf("distribute bench %s%n", openFiles());
    return complete;
  }

  private static Store.Watch watchConfigMaps(
      SimulatedMember member,
      Map<String, Long> createdAt,
      Map<String, AtomicInteger> arrived,
      Percentiles latency) {
    ResourceType configMaps =
        member.storage().registry().find("", "v1", "configmaps").orElseThrow();
    Store store = member.storage().store();
    String prefix = StorageKeys.resourcePrefix(configMaps);
    return store.watch(
        prefix,
        store.currentRevision(),
        event -> {
          long now = System.nanoTime();
          String key = event.kv().key();
          String name = key.substring(key.lastIndexOf('/') + 1);
          Long t = createdAt.get(name);
          if (t != null && event.prevKv() == null && key.contains("/scale/")) {
            latency.add(now - t);
            arrived.get(name).incrementAndGet();
          }
        });
  }
}
