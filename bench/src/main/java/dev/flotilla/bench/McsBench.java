package dev.flotilla.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.fixtures.Workloads;
import dev.flotilla.policies.names.McsNames;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The multi-cluster services benchmark: a hub (own process) and N simulated members with their
 * agents (this process), services exported and imported directly in the members (ACK One style),
 * then endpoint changes in the providers at a steady rate. Latency per change is the time from the
 * provider's EndpointSlice commit until the consumer's derived EndpointSlice commit with the same
 * addresses and readiness, both taken in-process on the members' stores. Baseline: one write to
 * watch-event round trip on a member API server, the hop the pipeline makes three times.
 */
public final class McsBench {
  private static final String SIM_READY = "sim.flotilla.dev/ready";
  private static final String MCS_CONTROLLER = "mcs-controller";

  private final int clusters;
  private final int services;
  private final int namespaces;
  private final double rate;
  private final int changes;
  private List<PropagationTracker.Lost> lost = List.of();

  public McsBench(int clusters, int services, int namespaces, double rate, int changes) {
    this.clusters = clusters;
    this.services = services;
    this.namespaces = namespaces;
    this.rate = rate;
    this.changes = changes;
  }

  /** Runs the benchmark; false when an endpoint version never reached a consumer. */
  public boolean run() throws Exception {
    McsTopology topology = McsTopology.plan(clusters, services, namespaces);
    System.out.printf(
        "flotilla mcs benchmark: %d cores (common pool parallelism %d), %d clusters, %d services"
            + " in %d namespaces: %d exports (1-2 providers each), %d imports (2-3 consumers each),"
            + " %d consumer/provider slice pairs, 2 pods per export; agents reach members over"
            + " %s%n",
        Runtime.getRuntime().availableProcessors(),
        java.util.concurrent.ForkJoinPool.getCommonPoolParallelism(),
        clusters,
        services,
        namespaces,
        topology.exports(),
        topology.imports(),
        topology.pairs(),
        System.getProperty(dev.flotilla.cli.SimulatedMembers.MEMBER_TRANSPORT_PROPERTY));
    Path work = Files.createTempDirectory("flotilla-mcs-bench");
    long started = System.nanoTime();
    try (FleetUnderTest fleet = new FleetUnderTest(work, clusters)) {
      System.out.printf(
          "fleet ready (hub in its own JVM; members, simulators and agents in this JVM) in %.1f s%n",
          (System.nanoTime() - started) / 1e9);
      List<String> names = fleet.memberNames;
      Map<String, List<String>> consumersOf = new HashMap<>();
      for (McsTopology.Service s : topology.services()) {
        consumersOf.put(s.key(), s.consumers().stream().map(names::get).toList());
      }
      PropagationTracker tracker = new PropagationTracker(consumersOf);
      Map<String, List<String>> hubOnly = new HashMap<>();
      consumersOf.keySet().forEach(k -> hubOnly.put(k, List.of("hub")));
      PropagationTracker toExportWork = new PropagationTracker(hubOnly);
      PropagationTracker toDerivedWork = new PropagationTracker(consumersOf);
      ExecutorService handoff = Executors.newSingleThreadExecutor(daemon("slice-tap"));
      List<SliceTap> taps = new ArrayList<>();
      for (var member : fleet.members.fleet().members()) {
        taps.add(
            SliceTap.start(
                member,
                handoff,
                (c, s, d, t) -> {
                  observe(tracker, c, s, d, t);
                  observe(toExportWork, c, s, d, t);
                  observe(toDerivedWork, c, s, d, t);
                }));
      }
      HubWorkTap hubTap = new HubWorkTap(fleet.admin, toExportWork, toDerivedWork);
      ReadinessTap readiness = new ReadinessTap(fleet.admin);
      try {
        Workloads.installMcsCrds(fleet.memberClients);
        long setupStart = System.nanoTime();
        int requests = setup(fleet, topology);
        double setupSeconds = (System.nanoTime() - setupStart) / 1e9;
        System.out.printf(
            "created %d objects in the members (namespaces, Deployments, Services, ServiceExports,"
                + " ServiceImports) in %.1f s%n",
            requests, setupSeconds);
        awaitConvergence(tracker, topology.pairs(), setupStart);
        printHubMemory(fleet, "after convergence");
        printFlips("until convergence", readiness.drain());
        idleWrites(fleet);
        toExportWork.startMeasuring();
        toDerivedWork.startMeasuring();
        ControllerQueueStats queueBefore = hubController(fleet);
        ProcessCost costBefore = ProcessCost.now(fleet);
        Map<String, Double> requestsBefore =
            FederationBench.requestCounts(fleet.hub.client().get("/metrics").body());
        Percentiles pipeline = changes(fleet, topology, tracker);
        ControllerQueueStats queue = hubController(fleet).since(queueBefore);
        System.out.printf(
            "  cost of the changes: %s%n", ProcessCost.now(fleet).since(costBefore, changes));
        printHubRequests(
            requestsBefore,
            FederationBench.requestCounts(fleet.hub.client().get("/metrics").body()),
            tracker.versions());
        System.out.printf(
            "  stage: provider slice commit -> export Work on the hub (agent), seen by a hub watch:"
                + " %s%n",
            toExportWork.latency().summary());
        System.out.printf(
            "  stage: provider slice commit -> consumer's derived Work on the hub (agent + hub"
                + " controller), seen by a hub watch: %s%n",
            toDerivedWork.latency().summary());
        System.out.printf(
            "  stage: hub %s, every reconcile while the changes ran: %s%n",
            MCS_CONTROLLER, queue.summary());
        printFlips("while the changes ran", readiness.drain());
        printHubMemory(fleet, "after the changes");
        baseline(fleet, pipeline);
        System.out.printf(
            "mcs result: %s: %d of %d endpoint versions never arrived; propagation p50 %.0f ms,"
                + " p99 %.0f ms%n",
            lost.isEmpty() ? "OK" : "FAIL",
            lost.stream().mapToInt(l -> l.pending().size()).sum(),
            tracker.versions(),
            pipeline.percentileMillis(50),
            pipeline.percentileMillis(99));
        return lost.isEmpty();
      } finally {
        hubTap.close();
        readiness.close();
        taps.forEach(SliceTap::close);
        handoff.shutdownNow();
      }
    }
  }

  private static void observe(
      PropagationTracker tracker, String cluster, ObjectNode slice, boolean deleted, long nanos) {
    ObjectNode labels = (ObjectNode) slice.path("metadata").path("labels");
    if (labels.isMissingNode()) {
      return;
    }
    String ns = slice.path("metadata").path("namespace").asText();
    String content = deleted ? "" : EndpointContent.of(slice);
    if (labels.has(McsNames.MCS_SOURCE_CLUSTER) && labels.has(McsNames.MCS_SERVICE_NAME)) {
      tracker.consumerWrote(
          cluster,
          ns + "/" + labels.path(McsNames.MCS_SERVICE_NAME).asText(),
          labels.path(McsNames.MCS_SOURCE_CLUSTER).asText(),
          content,
          nanos);
    } else if (labels.has(McsNames.KUBE_SERVICE_NAME) && !labels.has(McsNames.MCS_SERVICE_NAME)) {
      tracker.providerWrote(
          cluster, ns + "/" + labels.path(McsNames.KUBE_SERVICE_NAME).asText(), content, nanos);
    }
  }

  /** Providers get namespace, Deployment, Service, ServiceExport; consumers a ServiceImport. */
  private int setup(FleetUnderTest fleet, McsTopology topology) throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(8, daemon("mcs-setup"));
    AtomicInteger requests = new AtomicInteger();
    Map<String, Boolean> namespacesMade = new ConcurrentHashMap<>();
    List<Runnable> perCluster = new ArrayList<>();
    for (int c = 0; c < clusters; c++) {
      int cluster = c;
      perCluster.add(
          () -> {
            KubernetesClient member = fleet.memberClients.get(cluster);
            for (McsTopology.Service s : topology.services()) {
              boolean provides = s.providers().contains(cluster);
              boolean consumes = s.consumers().contains(cluster);
              if (!provides && !consumes) {
                continue;
              }
              if (namespacesMade.putIfAbsent(cluster + "/" + s.namespace(), true) == null) {
                Workloads.namespace(member, s.namespace());
                requests.incrementAndGet();
              }
              if (provides) {
                Workloads.app(member, s.namespace(), s.name(), 2);
                Workloads.export(member, s.namespace(), s.name());
                requests.addAndGet(3);
              }
              if (consumes) {
                Workloads.importIn(member, s.namespace(), s.name());
                requests.incrementAndGet();
              }
            }
          });
    }
    perCluster.forEach(pool::execute);
    pool.shutdown();
    if (!pool.awaitTermination(30, TimeUnit.MINUTES)) {
      throw new IllegalStateException("setup did not finish in 30 minutes");
    }
    return requests.get();
  }

  private void awaitConvergence(PropagationTracker tracker, int pairs, long since)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(20);
    long lastPrint = System.nanoTime();
    int converged = 0;
    while (System.nanoTime() < deadline) {
      converged = tracker.converged();
      if (converged >= pairs) {
        System.out.printf(
            "initial convergence: all %d derived EndpointSlice sets match their providers %.1f s"
                + " after the first create%n",
            pairs, (System.nanoTime() - since) / 1e9);
        return;
      }
      if (System.nanoTime() - lastPrint > TimeUnit.SECONDS.toNanos(15)) {
        lastPrint = System.nanoTime();
        System.out.printf(
            "  ... %d of %d pairs converged after %.0f s%n",
            converged, pairs, (System.nanoTime() - since) / 1e9);
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(
        "only " + converged + " of " + pairs + " pairs converged in 20 minutes");
  }

  /** One endpoint change per tick on a (service, provider) whose last change has landed. */
  private Percentiles changes(
      FleetUnderTest fleet, McsTopology topology, PropagationTracker tracker)
      throws InterruptedException {
    List<int[]> exportPairs = new ArrayList<>();
    for (int i = 0; i < topology.services().size(); i++) {
      for (int p : topology.services().get(i).providers()) {
        exportPairs.add(new int[] {i, p});
      }
    }
    Random random = new Random(42);
    Collections.shuffle(exportPairs, random);
    Map<String, Integer> replicas = new HashMap<>();
    List<String[]> notReady = new ArrayList<>(); // {cluster index, ns, pod, service key}
    Map<String, Long> lastTouched = new HashMap<>();
    ExecutorService writers = Executors.newFixedThreadPool(4, daemon("mcs-changes"));
    AtomicInteger failed = new AtomicInteger();
    Map<String, AtomicInteger> kinds = new ConcurrentHashMap<>();
    tracker.startMeasuring();
    long periodNanos = (long) (1e9 / rate);
    long start = System.nanoTime();
    int cursor = 0;
    for (int k = 0; k < changes; k++) {
      long due = start + k * periodNanos;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      String kind = new String[] {"scale-up", "pod-not-ready", "scale-down", "pod-ready"}[k % 4];
      if (kind.equals("pod-ready") && !notReady.isEmpty()) {
        String[] pod = notReady.remove(0);
        if (pod[2] != null && !tracker.busy(pod[3])) {
          submit(writers, failed, kinds, kind, () -> annotateReady(fleet, pod, null));
          lastTouched.put(pod[3], System.nanoTime());
          continue;
        }
        notReady.add(pod);
      }
      int[] pair = null;
      for (int tries = 0; tries < exportPairs.size(); tries++) {
        int[] candidate = exportPairs.get(cursor++ % exportPairs.size());
        String key = topology.services().get(candidate[0]).key();
        int r = replicas.getOrDefault(key + "@" + candidate[1], 2);
        boolean fits = !kind.equals("scale-up") || r < 4;
        fits &= !kind.equals("scale-down") || r > 1;
        if (fits
            && !tracker.busy(key)
            && System.nanoTime() - lastTouched.getOrDefault(key, 0L)
                > TimeUnit.SECONDS.toNanos(2)) {
          pair = candidate;
          break;
        }
      }
      if (pair == null) {
        continue;
      }
      McsTopology.Service s = topology.services().get(pair[0]);
      int cluster = pair[1];
      KubernetesClient member = fleet.memberClients.get(cluster);
      lastTouched.put(s.key(), System.nanoTime());
      String pk = s.key() + "@" + cluster;
      switch (kind) {
        case "scale-up", "scale-down" -> {
          int next = replicas.getOrDefault(pk, 2) + (kind.equals("scale-up") ? 1 : -1);
          replicas.put(pk, next);
          submit(
              writers,
              failed,
              kinds,
              kind,
              () -> Workloads.scale(member, s.namespace(), s.name(), next));
        }
        default -> {
          String[] target = {Integer.toString(cluster), s.namespace(), null, s.key()};
          notReady.add(target);
          submit(
              writers,
              failed,
              kinds,
              "pod-not-ready",
              () -> {
                List<Pod> pods =
                    member
                        .pods()
                        .inNamespace(s.namespace())
                        .withLabel("app", s.name())
                        .list()
                        .getItems();
                target[2] = pods.get(0).getMetadata().getName();
                annotateReady(fleet, target, "false");
              });
        }
      }
    }
    double issueSeconds = (System.nanoTime() - start) / 1e9;
    writers.shutdown();
    writers.awaitTermination(2, TimeUnit.MINUTES);
    // Settled: nothing pending and no provider change for 3 s (a scaled-up pod turns ready a
    // moment after its change was issued, so "nothing pending" alone ends too early).
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline
        && (tracker.outstanding() > 0
            || System.nanoTime() - tracker.lastProviderChange() < TimeUnit.SECONDS.toNanos(3))) {
      Thread.sleep(50);
    }
    lost = tracker.settle();
    int issued = kinds.values().stream().mapToInt(AtomicInteger::get).sum();
    System.out.printf(
        "changes: %d issued in %.1f s = %.1f changes/s (%s), %d failed; %d provider slice"
            + " versions x consumers to follow%n",
        issued,
        issueSeconds,
        issued / issueSeconds,
        new java.util.TreeMap<>(kinds),
        failed.get(),
        tracker.versions());
    System.out.printf(
        "endpoint propagation (provider EndpointSlice commit -> consumer derived EndpointSlice"
            + " commit with the same addresses and readiness): %s%n",
        tracker.latency().summary());
    System.out.printf(
        "  %d versions skipped by coalescing (completed by a later one), %d completed without a"
            + " consumer write (the provider returned to what the consumer held), %d never"
            + " arrived%n",
        tracker.superseded(), tracker.alreadyThere(), tracker.outstanding());
    describeLost(fleet, lost);
    return tracker.latency();
  }

  /** Where each lost version stopped: the provider, the hub's two Works, the consumer. */
  private static void describeLost(FleetUnderTest fleet, List<PropagationTracker.Lost> lost) {
    for (PropagationTracker.Lost l : lost.subList(0, Math.min(10, lost.size()))) {
      String ns = l.service().substring(0, l.service().indexOf('/'));
      String svc = l.service().substring(l.service().indexOf('/') + 1);
      System.out.printf(
          "  never arrived: %s from %s in %s: pending %s; provider holds [%s], consumer holds [%s]%n"
              + "    export Work on the hub [%s]; derived Work on the hub [%s]; consumer's slice"
              + " [%s]%n",
          l.service(),
          l.provider(),
          l.consumer(),
          l.pending(),
          l.providerNow(),
          l.consumerNow(),
          EndpointContent.inWork(fleet, l.provider(), "svcexport-" + ns + "-" + svc, null),
          EndpointContent.inWork(
              fleet, l.consumer(), "mcs-derived-" + ns + "-" + svc, l.provider()),
          EndpointContent.inConsumerSlices(fleet, l.consumer(), ns, svc, l.provider()));
    }
  }

  private static void submit(
      ExecutorService writers,
      AtomicInteger failed,
      Map<String, AtomicInteger> kinds,
      String kind,
      Runnable action) {
    writers.execute(
        () -> {
          try {
            action.run();
            kinds.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
          } catch (RuntimeException e) {
            failed.incrementAndGet();
            System.out.println("  change failed: " + e.getMessage());
          }
        });
  }

  private static void annotateReady(FleetUnderTest fleet, String[] pod, String value) {
    String patch =
        "{\"metadata\":{\"annotations\":{\""
            + SIM_READY
            + "\":"
            + (value == null ? "null" : "\"" + value + "\"")
            + "}}}";
    try {
      fleet
          .memberClients
          .get(Integer.parseInt(pod[0]))
          .pods()
          .inNamespace(pod[1])
          .withName(pod[2])
          .patch(
              io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                  io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
              patch);
    } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
      if (e.getCode() != 404 || value != null) {
        throw e;
      }
      // a scale-down removed the pod meanwhile: its endpoint is gone, nothing to make ready
    }
  }

  private static void printHubMemory(FleetUnderTest fleet, String when) throws Exception {
    String metrics = fleet.hub.client().get("/metrics").body();
    int works = 0;
    for (GenericKubernetesResource w :
        fleet
            .admin
            .genericKubernetesResources("work.karmada.io/v1alpha1", "Work")
            .inAnyNamespace()
            .withLabel("flotilla.dev/mcs-role")
            .list()
            .getItems()) {
      works++;
    }
    System.out.printf(
        "hub (API server + controllers + discovery, own JVM) %s: %d MCS Works, heap used %.0f"
            + " MiB, RSS %.0f MiB%n",
        when, works, ApiServerBench.heapMiB(metrics), fleet.hub.rssMiB());
  }

  private static void printFlips(String when, List<String> flips) {
    System.out.printf(
        "member Cluster Ready flips %s: %d%s%n",
        when,
        flips.size(),
        flips.isEmpty() ? "" : " " + flips.subList(0, Math.min(10, flips.size())));
  }

  /** The hub's requests while the changes ran, per consumer version, largest first. */
  private static void printHubRequests(
      Map<String, Double> before, Map<String, Double> after, int versions) {
    List<Map.Entry<String, Double>> deltas = new ArrayList<>();
    double total = 0;
    for (Map.Entry<String, Double> e : after.entrySet()) {
      double d = e.getValue() - before.getOrDefault(e.getKey(), 0.0);
      if (d > 0 && !e.getKey().startsWith("watch ")) {
        deltas.add(Map.entry(e.getKey(), d));
        total += d;
      }
    }
    deltas.sort(Map.Entry.<String, Double>comparingByValue().reversed());
    StringBuilder line = new StringBuilder();
    for (Map.Entry<String, Double> e : deltas.subList(0, Math.min(8, deltas.size()))) {
      line.append(String.format("%s %.2f, ", e.getKey(), e.getValue() / Math.max(1, versions)));
    }
    System.out.printf(
        "  hub requests while the changes ran: %.0f, %.2f per consumer version (%s)%n",
        total,
        total / Math.max(1, versions),
        line.length() > 2 ? line.substring(0, line.length() - 2) : "");
  }

  /** The hub MCS controller's workqueue figures so far, from the hub's controller metrics. */
  private static ControllerQueueStats hubController(FleetUnderTest fleet) throws Exception {
    var response = fleet.hub.client().get("/metrics/controllers");
    return ControllerQueueStats.parse(
        response.statusCode() == 200 ? response.body() : "", MCS_CONTROLLER);
  }

  /** Writes the hub serves while nothing changes in the members: the controllers' idle churn. */
  private static void idleWrites(FleetUnderTest fleet) throws Exception {
    double before = writes(fleet.hub.client().get("/metrics").body());
    Thread.sleep(10_000);
    double after = writes(fleet.hub.client().get("/metrics").body());
    System.out.printf(
        "hub writes (create/update/patch/delete) in 10 s with no change in any member: %.0f ="
            + " %.1f/s%n",
        after - before, (after - before) / 10);
  }

  private static double writes(String metrics) {
    double sum = 0;
    for (String line : metrics.split("\n")) {
      if (line.startsWith("apiserver_request_duration_seconds_count")
          && line.matches(".*verb=\"(create|update|patch|delete)\".*")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  /** Write -> watch event on one member API server over HTTPS with the same client library. */
  private static void baseline(FleetUnderTest fleet, Percentiles pipeline) throws Exception {
    Percentiles rt = WatchRoundTrip.measure(fleet.memberClients.get(0), "mcs-baseline", 200);
    System.out.printf(
        "baseline: write -> watch event on one member API server (HTTPS, fabric8): %s%n",
        rt.summary());
    System.out.printf(
        "ratio: propagation / one write->watch hop = %.1fx at p50, %.1fx at p99 (the pipeline"
            + " makes three such hops: provider -> agent -> hub Work -> hub controller -> derived"
            + " Work -> consumer agent -> consumer slice)%n",
        pipeline.percentileMillis(50) / rt.percentileMillis(50),
        pipeline.percentileMillis(99) / rt.percentileMillis(99));
  }

  static java.util.concurrent.ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
