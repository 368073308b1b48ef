package dev.flotilla.bench;

import dev.flotilla.policies.names.Names;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The federation benchmark on simulated members: distribution latency (template created on the hub
 * until the object exists in the member) at each fleet size, Works written and bindings scheduled
 * per second in a burst, hub heap and RSS holding many propagated templates, and as the baseline
 * the same objects written straight to the members with the same client.
 */
public final class FederationBench {
  private static final ResourceDefinitionContext WORKS =
      new ResourceDefinitionContext.Builder()
          .withGroup("work.karmada.io")
          .withVersion("v1alpha1")
          .withKind("Work")
          .withPlural("works")
          .withNamespaced(true)
          .build();

  private final int[] clusterCounts;
  private final int templates;
  private final int memoryTemplates;

  public FederationBench(int[] clusterCounts, int templates, int memoryTemplates) {
    this.clusterCounts = clusterCounts;
    this.templates = templates;
    this.memoryTemplates = memoryTemplates;
  }

  public void run() throws Exception {
    System.out.printf(
        "flotilla federation benchmark: %d cores, templates per run %d, members on %s stores"
            + " sharing loops and threads, agents reach members over %s, common pool"
            + " parallelism %d%n",
        Runtime.getRuntime().availableProcessors(),
        templates,
        FleetUnderTest.MEMBER_STORE,
        System.getProperty(dev.flotilla.cli.SimulatedMembers.MEMBER_TRANSPORT_PROPERTY),
        java.util.concurrent.ForkJoinPool.getCommonPoolParallelism());
    for (int clusters : clusterCounts) {
      Path work = Files.createTempDirectory("flotilla-fed-bench");
      long started = System.nanoTime();
      try (FleetUnderTest fleet = new FleetUnderTest(work, clusters)) {
        System.out.printf(
            "[%d clusters] fleet ready in %.1f s (%s)%n",
            clusters, (System.nanoTime() - started) / 1e9, RunCost.load());
        RunCost.Idle quiet = idle(fleet, clusters);
        latency(fleet, clusters, quiet);
        if (PACED_ONLY) {
          continue;
        }
        for (int b = 1; b <= BURSTS; b++) {
          burst(fleet, clusters, b);
        }
        idle(fleet, clusters);
        baseline(fleet, clusters);
        System.out.printf("[%d clusters] done (%s)%n", clusters, RunCost.load());
        if (clusters == clusterCounts[0] && memoryTemplates > 0) {
          memory(fleet);
        }
      }
    }
  }

  /** {@code -Dflotilla.bench.pacedOnly=true}: each fleet size's paced phase alone. */
  private static final boolean PACED_ONLY = Boolean.getBoolean("flotilla.bench.pacedOnly");

  /**
   * Creates per second in the latency phase: below what the fleet sustains, so the figures are
   * distribution latency and not time spent queued behind earlier templates (the burst measures
   * capacity).
   */
  private static final double LATENCY_WORKS_PER_SECOND =
      Double.parseDouble(System.getProperty("flotilla.bench.latencyWorksPerSecond", "20"));

  /** Paced creates (at most a minute of them), every template propagated to every cluster. */
  private void latency(FleetUnderTest fleet, int clusters, RunCost.Idle quiet) throws Exception {
    KubernetesClient hub = fleet.admin;
    hub.namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName("bench").endMetadata().build())
        .create();
    apply(
        hub,
        """
        apiVersion: policy.karmada.io/v1alpha1
        kind: PropagationPolicy
        metadata: {name: bench-all, namespace: bench}
        spec:
          resourceSelectors:
          - apiVersion: v1
            kind: ConfigMap
            labelSelector: {matchExpressions: [{key: bench, operator: In, values: [latency, burst]}]}
          placement:
            clusterAffinity: {labelSelector: {matchLabels: {flotilla.dev/simulated: "true"}}}
        """);
    warmUp(fleet, clusters);
    Map<String, Long> createdAt = new ConcurrentHashMap<>();
    Percentiles latency = new Percentiles();
    AtomicInteger arrived = new AtomicInteger();
    DistributionStages stages = new DistributionStages(hub, "bench", "lat-", clusters);
    List<Watch> watches = memberWatches(fleet, "lat-", createdAt, latency, arrived, stages);
    ControllerQueues queuesBefore = ControllerQueues.sample(fleet);
    WorkerLaneWaits lanesBefore = WorkerLaneWaits.sample(fleet);
    RunCost before = RunCost.sample(fleet);
    Map<String, Double> threadsBefore = ThreadCpu.sample(fleet.hub.process.pid());
    Map<String, Double> simThreadsBefore = ThreadCpu.sample(ProcessHandle.current().pid());
    long phaseStart = System.nanoTime();
    double rate = LATENCY_WORKS_PER_SECOND / clusters;
    int templates = (int) Math.min(this.templates, Math.max(1, Math.ceil(rate * 60)));
    long intervalNanos = (long) (1e9 / rate);
    long next = System.nanoTime();
    for (int i = 0; i < templates; i++) {
      String name = "lat-" + i;
      long sleep = next - System.nanoTime();
      if (sleep > 0) {
        TimeUnit.NANOSECONDS.sleep(sleep);
      }
      next += intervalNanos;
      long t0 = System.nanoTime();
      stages.created(name, t0);
      createdAt.put(name, t0);
      hub.configMaps().inNamespace("bench").resource(configMap(name, "latency")).create();
    }
    await(arrived, templates * clusters, 300);
    System.out.printf(
        "[%d clusters] distribution latency (hub create -> object in member), %d templates paced"
            + " at %.1f/s (%.0f Works/s): %s%n",
        clusters, templates, rate, rate * clusters, latency.summary());
    stages.awaitAggregated(30);
    stages.report().forEach(l -> System.out.println("          " + l));
    ControllerQueues.sample(fleet).since(queuesBefore).print();
    System.out.printf(
        "          hub API worker lanes: %s%n",
        WorkerLaneWaits.sample(fleet).since(lanesBefore).summary(templates));
    stages.close();
    RunCost after = RunCost.sample(fleet);
    System.out.printf(
        "          paced: %s%n", RunCost.perTemplate(before, after, templates, clusters));
    // At 100 clusters a minute of paced creates is 12 templates: the fleet's steady traffic over
    // that minute (leases, status) is half of the per-template figure above unless taken out.
    System.out.printf(
        "          paced, less the idle phase's rate over the same %.0f s: %s%n",
        (System.nanoTime() - phaseStart) / 1e9,
        quiet.net(before, after, (System.nanoTime() - phaseStart) / 1e9, templates, clusters));
    System.out.println(
        "          "
            + cpuSplit(
                threadsBefore,
                ThreadCpu.sample(fleet.hub.process.pid()),
                simThreadsBefore,
                ThreadCpu.sample(ProcessHandle.current().pid()),
                templates));
    System.out.printf(
        "          paced, hub CPU by thread, ms/template (idle traffic included): %s%n",
        ThreadCpu.top(threadsBefore, ThreadCpu.sample(fleet.hub.process.pid()), templates, 8));
    // The agent stage runs here, in the simulation: which of its threads the time went to.
    System.out.printf(
        "          paced, simulation CPU by thread, ms/template: %s%n",
        ThreadCpu.top(
            simThreadsBefore, ThreadCpu.sample(ProcessHandle.current().pid()), templates, 10));
    watches.forEach(Watch::close);
  }

  /**
   * Templates distributed before the paced phase ({@code -Dflotilla.bench.pacedWarmup=N}, default
   * 0): the paced phase is otherwise each run's first work, measured while the hub's and the
   * simulation's JIT compilers still compile the code it runs. Their latency is printed apart.
   */
  private static final int PACED_WARMUP = Integer.getInteger("flotilla.bench.pacedWarmup", 0);

  private void warmUp(FleetUnderTest fleet, int clusters) throws Exception {
    if (PACED_WARMUP <= 0) {
      return;
    }
    Map<String, Long> createdAt = new ConcurrentHashMap<>();
    Percentiles latency = new Percentiles();
    AtomicInteger arrived = new AtomicInteger();
    List<Watch> watches = memberWatches(fleet, "warm-", createdAt, latency, arrived, null);
    long started = System.nanoTime();
    // At the paced phase's rate, so its latency here is the cold-JVM figure to set beside it.
    long intervalNanos = (long) (1e9 * clusters / LATENCY_WORKS_PER_SECOND);
    for (int i = 0; i < PACED_WARMUP; i++) {
      String name = "warm-" + i;
      if (i > 0) {
        TimeUnit.NANOSECONDS.sleep(started + i * intervalNanos - System.nanoTime());
      }
      createdAt.put(name, System.nanoTime());
      fleet.admin.configMaps().inNamespace("bench").resource(configMap(name, "latency")).create();
    }
    await(arrived, PACED_WARMUP * clusters, 300);
    watches.forEach(Watch::close);
    settle(fleet);
    System.out.printf(
        "[%d clusters] warm-up (cold JVMs): %d templates at the paced rate, distributed in %.1f s:"
            + " %s (%s)%n",
        clusters,
        PACED_WARMUP,
        (System.nanoTime() - started) / 1e9,
        latency.summary(),
        RunCost.load());
  }

  /**
   * The paced phase's CPU per template in both processes, the JIT compilers' apart, and the floor
   * the two cores put under a template's distribution: its CPU less the JIT's, spread over both.
   */
  private static String cpuSplit(
      Map<String, Double> hubBefore,
      Map<String, Double> hubAfter,
      Map<String, Double> simBefore,
      Map<String, Double> simAfter,
      int templates) {
    double[] hub = jitAndRest(hubBefore, hubAfter);
    double[] sim = jitAndRest(simBefore, simAfter);
    int cores = Runtime.getRuntime().availableProcessors();
    return String.format(
        "paced CPU ms/template (idle traffic included): hub %.1f (JIT %.1f), simulation %.1f"
            + " (JIT %.1f); without the JIT, hub + simulation over %d cores = %.1f ms",
        (hub[0] + hub[1]) * 1000 / templates,
        hub[0] * 1000 / templates,
        (sim[0] + sim[1]) * 1000 / templates,
        sim[0] * 1000 / templates,
        cores,
        (hub[1] + sim[1]) * 1000 / templates / cores);
  }

  /** CPU seconds between two samples: the JIT compiler threads', then every other thread's. */
  private static double[] jitAndRest(Map<String, Double> before, Map<String, Double> after) {
    double jit = 0;
    double rest = 0;
    for (Map.Entry<String, Double> e : after.entrySet()) {
      double d = e.getValue() - before.getOrDefault(e.getKey(), 0.0);
      if (e.getKey().contains("CompilerThre")) {
        jit += d;
      } else {
        rest += d;
      }
    }
    return new double[] {jit, rest};
  }

  /**
   * Threads creating the burst's templates: 16 created about 127 a second, under the 200
   * schedules/s the scheduler is to show, so the figure measured the bench.
   */
  private static final int BURST_THREADS = Integer.getInteger("flotilla.bench.burstThreads", 64);

  /**
   * Bursts one after another ({@code -Dflotilla.bench.bursts}, default 2). The first meets both
   * JVMs with their JIT compilers still busy (about a quarter of the CPU in a 200-template burst);
   * the second shows what the same processes do once compiled, as a hub that has run a while would.
   * Each is printed whole.
   */
  private static final int BURSTS = Integer.getInteger("flotilla.bench.bursts", 2);

  /**
   * Whether the burst counts Works with {@link WorkAdds} (default) or, with {@code
   * -Dflotilla.bench.lightWorkWatch=false}, with a fabric8 watch decoding every Work event in this
   * JVM, as before session 11 (its CPU counted as the simulation's).
   */
  private static final boolean LIGHT_WORK_WATCH =
      Boolean.parseBoolean(System.getProperty("flotilla.bench.lightWorkWatch", "true"));

  /** A fabric8 watch of all Works calling {@code added} with the name of each one added. */
  private static Watch fabric8WorkWatch(
      KubernetesClient hub, java.util.function.Consumer<String> added) {
    return hub.genericKubernetesResources(WORKS)
        .inAnyNamespace()
        .watch(
            new Watcher<>() {
              @Override
              public void eventReceived(Action action, GenericKubernetesResource w) {
                if (action == Action.ADDED) {
                  added.accept(w.getMetadata().getName());
                }
              }

              @Override
              public void onClose(WatcherException cause) {}
            });
  }

  /**
   * Creates as fast as {@link #BURST_THREADS} threads can, then counts Works and scheduled bindings
   * per second.
   */
  private void burst(FleetUnderTest fleet, int clusters, int round) throws Exception {
    KubernetesClient hub = fleet.admin;
    // Names per round, so that each round counts only its own Works and bindings.
    String prefix = round == 1 ? "burst-" : "burst" + round + "-";
    int count = templates;
    AtomicLong firstWork = new AtomicLong();
    AtomicLong lastWork = new AtomicLong();
    AtomicInteger works = new AtomicInteger();
    java.util.function.Consumer<String> added =
        name -> {
          if (name.startsWith(prefix)) {
            long now = System.nanoTime();
            firstWork.compareAndSet(0, now);
            lastWork.set(now);
            works.incrementAndGet();
          }
        };
    AutoCloseable workWatch =
        LIGHT_WORK_WATCH ? new WorkAdds(fleet, added) : fabric8WorkWatch(hub, added);
    Map<String, Long> scheduledAt = new ConcurrentHashMap<>();
    Map<String, Long> boundAt = new ConcurrentHashMap<>();
    Watch bindingWatch =
        hub.genericKubernetesResources("work.karmada.io/v1alpha2", "ResourceBinding")
            .inNamespace("bench")
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, GenericKubernetesResource rb) {
                    if (!rb.getMetadata().getName().startsWith(prefix)) {
                      return;
                    }
                    boundAt.putIfAbsent(rb.getMetadata().getName(), System.nanoTime());
                    if (String.valueOf(rb.getAdditionalProperties().get("status"))
                        .contains("Binding has been scheduled successfully")) {
                      scheduledAt.putIfAbsent(rb.getMetadata().getName(), System.nanoTime());
                    }
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                });
    ControllerQueues queuesBefore = ControllerQueues.sample(fleet);
    WorkerLaneWaits lanesBefore = WorkerLaneWaits.sample(fleet);
    RunCost before = RunCost.sample(fleet);
    Map<String, Double> threadsBefore = ThreadCpu.sample(fleet.hub.process.pid());
    Map<String, Double> simThreadsBefore = ThreadCpu.sample(ProcessHandle.current().pid());
    Map<String, Double> membersBefore = memberRequests(fleet);
    SchedulerRate schedulerRate = new SchedulerRate(fleet);
    long start = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(BURST_THREADS);
    for (int i = 0; i < count; i++) {
      int n = i;
      pool.execute(
          () ->
              hub.configMaps()
                  .inNamespace("bench")
                  .resource(configMap(prefix + n, "burst"))
                  .create());
    }
    pool.shutdown();
    pool.awaitTermination(10, TimeUnit.MINUTES);
    long created = System.nanoTime();
    RunCost atCreated = RunCost.sample(fleet);
    await(works, count * clusters, 300);
    schedulerRate.close();
    double span = (lastWork.get() - start) / 1e9;
    int scheduled = scheduledAt.size();
    double scheduleSpan =
        (scheduledAt.values().stream().mapToLong(Long::longValue).max().orElse(start) - start)
            / 1e9;
    System.out.printf(
        "[%d clusters] burst%s of %d templates: %d Works in %.2f s = %.0f Works/s; %d bindings"
            + " scheduled in %.2f s = %.0f schedules/s%n",
        clusters,
        round == 1 ? "" : " " + round + " (the JVMs compiled by the bursts before)",
        count,
        works.get(),
        span,
        works.get() / span,
        scheduled,
        scheduleSpan,
        scheduled / scheduleSpan);
    long firstBound = boundAt.values().stream().mapToLong(Long::longValue).min().orElse(start);
    long lastBound = boundAt.values().stream().mapToLong(Long::longValue).max().orElse(start);
    long lastScheduled =
        scheduledAt.values().stream().mapToLong(Long::longValue).max().orElse(start);
    // The end-to-end figure above includes the creating threads and the detector; these
    // split it, so the scheduler's own throughput can be read apart.
    System.out.printf(
        "          %s; templates created by %d threads at %.0f/s%n",
        schedulerRate.summary(), BURST_THREADS, count / ((created - start) / 1e9));
    System.out.printf(
        "          templates created in %.2f s; bindings created %.2f .. %.2f s; scheduled by"
            + " %.2f s: scheduler %.0f schedules/s from the first binding; hub CPU while"
            + " creating %.2f s (%s)%n",
        (created - start) / 1e9,
        (firstBound - start) / 1e9,
        (lastBound - start) / 1e9,
        (lastScheduled - start) / 1e9,
        scheduled / Math.max(1e-9, (lastScheduled - firstBound) / 1e9),
        atCreated.hubCpuSeconds() - before.hubCpuSeconds(),
        RunCost.load());
    // Each controller's queue wait and reconcile time in the burst: which stage paces it.
    ControllerQueues.sample(fleet).since(queuesBefore).print();
    System.out.printf(
        "          hub API worker lanes: %s%n",
        WorkerLaneWaits.sample(fleet).since(lanesBefore).summary(count));
    workWatch.close();
    bindingWatch.close();
    // Status write-back is part of the cost: count until Works and bindings stop changing.
    double settled = settle(fleet);
    RunCost after = RunCost.sample(fleet);
    System.out.printf(
        "          settled %.1f s after the last Work was created (no Work or binding write for 2 s)%n",
        settled);
    System.out.printf("          burst: %s%n", RunCost.perTemplate(before, after, count, clusters));
    Map<String, Double> threadsAfter = ThreadCpu.sample(fleet.hub.process.pid());
    System.out.printf(
        "          burst, hub CPU by thread, ms/template: %s%n",
        ThreadCpu.top(threadsBefore, threadsAfter, count, 8));
    // The members and agents share the hub's cores: which side's CPU bounds the Works/s.
    System.out.printf(
        "          burst, simulation CPU by thread, ms/template: %s%n",
        ThreadCpu.top(simThreadsBefore, ThreadCpu.sample(ProcessHandle.current().pid()), count, 8));
    double schedulerCpu =
        threadsAfter.getOrDefault("scheduler", 0.0) - threadsBefore.getOrDefault("scheduler", 0.0);
    System.out.printf(
        "          scheduler threads: %.1f ms CPU per binding = %.0f schedules per CPU-second%n",
        schedulerCpu * 1000 / Math.max(1, scheduled), scheduled / Math.max(1e-9, schedulerCpu));
    printRequests("hub", before.hubRequests(), after.hubRequests(), count, "template");
    printRequests("members (all)", membersBefore, memberRequests(fleet), count, "template");
  }

  /**
   * Waits until two seconds pass without a Work or binding write on the hub (at most three
   * minutes); returns how long that took.
   */
  static double settle(FleetUnderTest fleet) throws Exception {
    return settle(fleet, TimeUnit.MINUTES.toNanos(3));
  }

  /** As {@link #settle(FleetUnderTest)}, waiting at most {@code maxNanos}. */
  static double settle(FleetUnderTest fleet, long maxNanos) throws Exception {
    long start = System.nanoTime();
    double last = propagationWrites(RunCost.sample(fleet).hubRequests());
    while (System.nanoTime() - start < maxNanos) {
      Thread.sleep(2000);
      double now = propagationWrites(RunCost.sample(fleet).hubRequests());
      if (now == last) {
        break;
      }
      last = now;
    }
    return (System.nanoTime() - start) / 1e9;
  }

  private static double propagationWrites(Map<String, Double> requests) {
    double sum = 0;
    for (Map.Entry<String, Double> e : requests.entrySet()) {
      String[] k = e.getKey().split(" ");
      if (!k[0].equals("get")
          && !k[0].equals("list")
          && !k[0].equals("watch")
          && (k[1].equals("works") || k[1].endsWith("resourcebindings"))) {
        sum += e.getValue();
      }
    }
    return sum;
  }

  /**
   * Ten seconds with nothing to propagate: what the fleet's steady traffic (leases, cluster status)
   * costs the hub, and whether anything still starts threads (a steady state should start none).
   */
  private static RunCost.Idle idle(FleetUnderTest fleet, int clusters) throws Exception {
    return idle(fleet, clusters + " clusters");
  }

  private static RunCost.Idle idle(FleetUnderTest fleet, String label) throws Exception {
    RunCost before = RunCost.sample(fleet);
    Thread.sleep(10_000);
    RunCost after = RunCost.sample(fleet);
    System.out.printf(
        "[%s] idle 10 s: hub CPU %.2f s, hub requests %.1f/s, threads started: hub %.0f,"
            + " sim %d; live threads: hub %d, sim %d (%s)%n",
        label,
        after.hubCpuSeconds() - before.hubCpuSeconds(),
        RunCost.requestsBetween(before, after) / 10,
        after.hubThreadsStarted() - before.hubThreadsStarted(),
        after.simThreadsStarted() - before.simThreadsStarted(),
        RunCost.liveThreads(fleet.hub.process.pid()),
        RunCost.liveThreads(ProcessHandle.current().pid()),
        RunCost.load());
    printRequests("hub (idle)", before.hubRequests(), after.hubRequests(), 10, "second");
    return RunCost.Idle.between(before, after, 10);
  }

  /**
   * The same objects written straight to the members, sequentially per object, same client library;
   * and one write -> watch event hop on a member, the unit every step of the pipeline pays.
   */
  private void baseline(FleetUnderTest fleet, int clusters) throws InterruptedException {
    Percentiles direct = new Percentiles();
    for (KubernetesClient member : fleet.memberClients) {
      try {
        member
            .namespaces()
            .resource(
                new NamespaceBuilder()
                    .withNewMetadata()
                    .withName("bench-direct")
                    .endMetadata()
                    .build())
            .create();
      } catch (RuntimeException ignored) {
        // exists
      }
    }
    long start = System.nanoTime();
    int writes = 0;
    for (int i = 0; i < templates; i++) {
      for (KubernetesClient member : fleet.memberClients) {
        long t = System.nanoTime();
        member
            .configMaps()
            .inNamespace("bench-direct")
            .resource(configMap("direct-" + i, "direct"))
            .create();
        direct.add(System.nanoTime() - t);
        writes++;
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        "[%d clusters] baseline: direct create in members: %s; %.0f writes/s from one client%n",
        clusters, direct.summary(), writes / seconds);
    Percentiles hop = WatchRoundTrip.measure(fleet.memberClients.get(0), "bench-hop", 200);
    System.out.printf(
        "[%d clusters] baseline: one write -> watch event hop on a member: %s%n",
        clusters, hop.summary());
  }

  /** Many templates propagated to one cluster each: what the hub holds, and its memory. */
  private void memory(FleetUnderTest fleet) throws Exception {
    KubernetesClient hub = fleet.admin;
    apply(
        hub,
        """
        apiVersion: policy.karmada.io/v1alpha1
        kind: PropagationPolicy
        metadata: {name: bench-mem, namespace: bench}
        spec:
          resourceSelectors:
          - apiVersion: v1
            kind: ConfigMap
            labelSelector: {matchLabels: {bench: mem}}
          placement:
            clusterAffinity: {clusterNames: [member1]}
        """);
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(16);
    for (int t = 0; t < 16; t++) {
      pool.execute(
          () -> {
            for (int i; (i = next.getAndIncrement()) < memoryTemplates; ) {
              hub.configMaps().inNamespace("bench").resource(configMap("mem-" + i, "mem")).create();
            }
          });
    }
    pool.shutdown();
    pool.awaitTermination(30, TimeUnit.MINUTES);
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    int works = 0;
    while (System.nanoTime() < deadline) {
      // This phase's own Works: the earlier phases' (latency, every burst) are there too.
      works =
          (int)
              hub
                  .genericKubernetesResources(WORKS)
                  .inNamespace(Names.executionNamespace("member1"))
                  .list()
                  .getItems()
                  .stream()
                  .filter(w -> w.getMetadata().getName().startsWith("mem-"))
                  .count();
      if (works >= memoryTemplates) {
        break;
      }
      Thread.sleep(2000);
    }
    Thread.sleep(5000);
    String metrics = fleet.hub.client().get("/metrics").body();
    System.out.printf(
        "[memory] hub (API server + controllers, one JVM) holding %d propagated templates"
            + " (%d Works, plus bindings and the templates): heap used %.0f MiB, RSS %.0f MiB%n",
        memoryTemplates, works, ApiServerBench.heapMiB(metrics), fleet.hub.rssMiB());
    // Nothing changes from here: the hub should write nothing but leases and cluster status.
    for (int round = 0; round < 3; round++) {
      printEventBacklog(fleet);
      idle(fleet, "memory, " + (round * 20) + " s after");
      Thread.sleep(10_000);
    }
    printEventBacklog(fleet);
  }

  /** The controllers' Event writes: recorded, written, and still owed or held. */
  private static void printEventBacklog(FleetUnderTest fleet) throws Exception {
    String metrics = fleet.hub.client().get("/metrics/controllers").body();
    System.out.printf(
        "          events: %.0f recorded, %.0f written; %.0f writes owed, %.0f flushes held%n",
        gauge(metrics, "flotilla_events_recorded_total"),
        gauge(metrics, "flotilla_event_writes_total"),
        gauge(metrics, "flotilla_event_writes_owed"),
        gauge(metrics, "flotilla_event_flushes_held"));
  }

  private static double gauge(String metrics, String name) {
    for (String line : metrics.split("\n")) {
      if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return Double.NaN;
  }

  private static List<Watch> memberWatches(
      FleetUnderTest fleet,
      String prefix,
      Map<String, Long> createdAt,
      Percentiles latency,
      AtomicInteger arrived,
      DistributionStages stages) {
    List<Watch> watches = new ArrayList<>();
    for (int i = 0; i < fleet.memberClients.size(); i++) {
      KubernetesClient member = fleet.memberClients.get(i);
      String cluster = fleet.memberNames.get(i);
      watches.add(
          member
              .configMaps()
              .inNamespace("bench")
              .watch(
                  new Watcher<>() {
                    @Override
                    public void eventReceived(Action action, ConfigMap cm) {
                      if (action == Action.ADDED && cm.getMetadata().getName().startsWith(prefix)) {
                        Long t0 = createdAt.get(cm.getMetadata().getName());
                        if (t0 != null) {
                          long now = System.nanoTime();
                          latency.add(now - t0);
                          if (stages != null) {
                            stages.inMember(cm.getMetadata().getName(), cluster, now);
                          }
                          arrived.incrementAndGet();
                        }
                      }
                    }

                    @Override
                    public void onClose(WatcherException cause) {}
                  }));
    }
    return watches;
  }

  /** The members' request counters summed over all members, keyed "verb resource code". */
  private static Map<String, Double> memberRequests(FleetUnderTest fleet) {
    Map<String, Double> sum = new java.util.TreeMap<>();
    for (KubernetesClient member : fleet.memberClients) {
      requestCounts(member.raw("/metrics")).forEach((k, v) -> sum.merge(k, v, Double::sum));
    }
    return sum;
  }

  private static final java.util.regex.Pattern REQUEST_TOTAL =
      java.util.regex.Pattern.compile("^apiserver_request_total\\{([^}]*)\\} (\\S+)$");

  static Map<String, Double> requestCounts(String metrics) {
    Map<String, Double> counts = new java.util.TreeMap<>();
    if (metrics == null) {
      return counts;
    }
    for (String line : metrics.split("\n")) {
      java.util.regex.Matcher m = REQUEST_TOTAL.matcher(line);
      if (!m.matches()) {
        continue;
      }
      Map<String, String> labels = new java.util.HashMap<>();
      for (String kv : m.group(1).split(",")) {
        int eq = kv.indexOf('=');
        if (eq > 0) {
          labels.put(kv.substring(0, eq), kv.substring(eq + 1).replace("\"", ""));
        }
      }
      counts.merge(
          labels.get("verb") + " " + labels.get("resource") + " " + labels.get("code"),
          Double.parseDouble(m.group(2)),
          Double::sum);
    }
    return counts;
  }

  /** Prints the requests made between two scrapes, per template (or second), largest first. */
  private static void printRequests(
      String label,
      Map<String, Double> before,
      Map<String, Double> after,
      int templates,
      String unit) {
    List<Map.Entry<String, Double>> deltas = new ArrayList<>();
    double total = 0;
    for (Map.Entry<String, Double> e : after.entrySet()) {
      double d = e.getValue() - before.getOrDefault(e.getKey(), 0.0);
      if (d > 0) {
        deltas.add(Map.entry(e.getKey(), d));
        total += d;
      }
    }
    deltas.sort(Map.Entry.<String, Double>comparingByValue().reversed());
    StringBuilder line = new StringBuilder();
    for (Map.Entry<String, Double> e : deltas) {
      if (e.getValue() / templates >= 0.05) {
        line.append(String.format("%s %.2f, ", e.getKey(), e.getValue() / templates));
      }
    }
    System.out.printf(
        "          %s requests per %s: %.1f total (%s)%n",
        label,
        unit,
        total / templates,
        line.length() > 2 ? line.substring(0, line.length() - 2) : "");
  }

  private static void await(AtomicInteger counter, int target, int seconds)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (counter.get() < target && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    if (counter.get() < target) {
      System.out.printf("          (only %d of %d arrived)%n", counter.get(), target);
    }
  }

  private static ConfigMap configMap(String name, String label) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(name)
        .addToLabels("bench", label)
        .endMetadata()
        .addToData("payload", "x".repeat(200))
        .build();
  }

  private static void apply(KubernetesClient client, String yaml) {
    client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).serverSideApply();
  }
}
