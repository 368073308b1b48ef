package dev.flotilla.bench;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the hub holds and how it comes back: RSS and heap with many propagated templates under a
 * given {@code -Xmx}, beside the same hub empty; and a restart with them, timed until the
 * controllers have caught up, counting every Work, binding and template rewritten (compared by
 * resourceVersion before and after), beside the restart of the same hub before any template.
 */
final class HubStateBench {
  static final ResourceDefinitionContext WORKS =
      new ResourceDefinitionContext.Builder()
          .withGroup("work.karmada.io")
          .withVersion("v1alpha1")
          .withKind("Work")
          .withPlural("works")
          .withNamespaced(true)
          .build();
  static final ResourceDefinitionContext BINDINGS =
      new ResourceDefinitionContext.Builder()
          .withGroup("work.karmada.io")
          .withVersion("v1alpha2")
          .withKind("ResourceBinding")
          .withPlural("resourcebindings")
          .withNamespaced(true)
          .build();
  private static final List<String> CONTROLLERS =
      List.of("resource-detector", "scheduler", "binding-controller");

  private final int templates;
  private final int clusters;
  private final String hubXmx;
  private final boolean everyCluster;

  HubStateBench(int templates, int clusters, String hubXmx, boolean everyCluster) {
    this.templates = templates;
    this.clusters = clusters;
    this.hubXmx = hubXmx;
    this.everyCluster = everyCluster;
  }

  /** RSS and heap of the hub empty, then holding the templates. */
  void memory() throws Exception {
    // NMT splits the RSS outside the heap (about 5 MiB of its own, counted in its line).
    try (FleetUnderTest fleet = fleet(List.of("-XX:NativeMemoryTracking=summary"))) {
      Thread.sleep(10_000);
      System.out.printf(
          "[memory] baseline, empty hub with %d clusters: %s%n", clusters, mem(fleet));
      double baselineLive = liveMiB(fleet, "hub-histogram-baseline.txt");
      System.out.printf(
          "[memory] baseline, after a full GC: %s%n",
          HubFootprint.describe(fleet.hub.process.pid()));
      long t0 = System.nanoTime();
      int works = propagate(fleet);
      System.out.printf(
          "[memory] %d templates, %d Works propagated in %.0f s, hub CPU %.0f s since its start"
              + " (%s)%n",
          templates,
          works,
          (System.nanoTime() - t0) / 1e9,
          RunCost.cpuSeconds(fleet.hub.process.pid()),
          RunCost.load());
      // At rest: pool threads idle for a minute have gone, as on a hub nobody is writing to.
      Thread.sleep(70_000);
      System.out.printf("[memory] holding %d templates: %s%n", templates, mem(fleet));
      jcmd(fleet, "GC.run");
      Thread.sleep(3_000);
      System.out.printf("[memory] after a full GC: %s%n", mem(fleet));
      System.out.printf(
          "[memory] holding %d templates, after a full GC: %s%n",
          templates, HubFootprint.describe(fleet.hub.process.pid()));
      double live = liveMiB(fleet, "hub-histogram.txt");
      double keys = metric(fleet.hub.client().get("/metrics").body(), "flotilla_store_keys");
      System.out.printf(
          "[memory] live heap after a full GC: %.1f MiB (baseline %.1f MiB): %.0f bytes per store"
              + " key over the baseline, %.0f keys (histograms beside the hub's data)%n",
          live, baselineLive, (live - baselineLive) * (1 << 20) / keys, keys);
      String nmt = jcmd(fleet, "VM.native_memory", "summary");
      if (nmt.contains("Total:")) {
        Path file = fleet.hub.dataDir.resolveSibling("hub-nmt.txt");
        Files.writeString(file, nmt);
        System.out.printf("[memory] hub native memory summary in %s%n", file);
      }
      UnpagedLists.everyExecutionNamespace(fleet);
      System.out.printf("[memory] after the lists: %s%n", mem(fleet));
      UnpagedLists.requireHealthyHub(fleet);
    }
  }

  /**
   * Restart of the empty hub (baseline), then of the hub holding the templates, {@code rounds}
   * times. With {@code jars}, each restart takes the hub's classes from the next jar in turn (each
   * jar gets its own empty-hub baseline), so two builds are compared on one setup, alternately.
   */
  void restart(List<String> jars, int rounds) throws Exception {
    List<String> from = jars.isEmpty() ? java.util.Collections.singletonList(null) : jars;
    try (FleetUnderTest fleet = fleet(List.of())) {
      Thread.sleep(5_000);
      Map<String, Restarted> baselines = new HashMap<>();
      for (String jar : new java.util.LinkedHashSet<>(from)) {
        // A jar still being built gets the first one's baseline (setup does not wait for it).
        if (jar == null || Files.exists(Path.of(jar))) {
          baselines.put(
              String.valueOf(jar),
              restartOnce(fleet, "baseline, no templates" + built(jar), 0, jar));
        }
      }
      long t0 = System.nanoTime();
      int works = propagate(fleet);
      System.out.printf(
          "[restart] %d templates, %d Works propagated in %.0f s (%s)%n",
          templates, works, (System.nanoTime() - t0) / 1e9, RunCost.load());
      // Restarting before the Works' statuses are aggregated into every binding leaves the
      // restarted hub that work, which reads as bindings rewritten (20,394 of 30,000 once).
      long cap = TimeUnit.MINUTES.toNanos(15);
      double settled = FederationBench.settle(fleet, cap);
      System.out.printf(
          "[restart] %s %.0f s after the Works (no Work or binding write for 2 s) (%s)%n",
          settled * 1e9 >= cap ? "NOT settled" : "settled", settled, RunCost.load());
      for (int round = 0; round < rounds * from.size(); round++) {
        String jar = from.get(round % from.size());
        Restarted baseline =
            baselines.getOrDefault(String.valueOf(jar), baselines.get(String.valueOf(from.get(0))));
        Restarted loaded =
            restartOnce(fleet, templates + " templates" + built(jar), templates, awaitJar(jar));
        summary(baseline, loaded);
      }
    }
  }

  private void summary(Restarted baseline, Restarted loaded) {
    System.out.printf(
        "[restart] caught up %.2f s after the new hub's start (baseline %.2f s; aim 30 s);"
            + " hub CPU until then %.1f s (baseline %.1f s): %.2f ms per template over the"
            + " baseline%n",
        loaded.caughtUpSeconds,
        baseline.caughtUpSeconds,
        loaded.cpuAtLast,
        baseline.cpuAtLast,
        (loaded.cpuAtLast - baseline.cpuAtLast) * 1000 / templates);
    System.out.println("          hub CPU by start phase, against the empty hub's restart:");
    for (String line :
        StartupSplit.perTemplate(baseline.controllerMetrics, loaded.controllerMetrics, templates)) {
      System.out.println("            " + line);
    }
    System.out.printf(
        "          hub CPU by thread group over the baseline (ms per template): %s%n",
        ThreadCpu.top(baseline.threads, loaded.threads, templates, 14));
  }

  private static String built(String jar) {
    return jar == null ? "" : " (hub from " + jar + ")";
  }

  /** The jar once it exists (another build may still be making it); null stays null. */
  private static String awaitJar(String jar) throws InterruptedException {
    if (jar == null) {
      return null;
    }
    long deadline = System.nanoTime() + TimeUnit.HOURS.toNanos(2);
    while (!Files.exists(Path.of(jar)) && System.nanoTime() < deadline) {
      Thread.sleep(5_000);
    }
    return jar;
  }

  /** What one restart left to compare with another: the hub's own figures at the end. */
  private record Restarted(
      double caughtUpSeconds,
      double cpuAtLast,
      String controllerMetrics,
      Map<String, Double> threads) {}

  private FleetUnderTest fleet(List<String> hubJvmArgs) throws Exception {
    System.out.printf(
        "hub state benchmark: %d templates on %d simulated clusters (%s), hub -Xmx%s, %d cores (%s)%n",
        templates,
        clusters,
        everyCluster ? "each template to every cluster" : "each template to one cluster",
        hubXmx,
        Runtime.getRuntime().availableProcessors(),
        RunCost.load());
    Path work = Files.createTempDirectory("flotilla-state-bench");
    return new FleetUnderTest(work, clusters, hubXmx, hubJvmArgs);
  }

  private Restarted restartOnce(
      FleetUnderTest fleet, String label, int bindingsExpected, String classpath) throws Exception {
    Map<String, String> worksBefore = versions(fleet.admin, WORKS);
    Map<String, String> bindingsBefore = versions(fleet.admin, BINDINGS);
    Map<String, String> templatesBefore = templateVersions(fleet.admin);
    long revisionBefore =
        (long) metric(fleet.hub.client().get("/metrics").body(), "flotilla_store_revision");
    long t0 = System.nanoTime();
    fleet.restartHub(classpath);
    double ready = (System.nanoTime() - t0) / 1e9;
    double cpuAtReady = RunCost.cpuSeconds(fleet.hub.process.pid());
    double cpuAtLast = cpuAtReady;
    Map<String, Double> caughtUp = new HashMap<>();
    double lastChange = ready;
    double previous = -1;
    long quietSince = System.nanoTime();
    // Caught up: each controller has reconciled every binding once; then quiet for 3 s.
    while (System.nanoTime() - t0 < TimeUnit.MINUTES.toNanos(10)) {
      String metrics = fleet.hub.client().get("/metrics/controllers").body();
      double now = (System.nanoTime() - t0) / 1e9;
      double total = 0;
      for (String c : CONTROLLERS) {
        double reconciles = ControllerQueueStats.parse(metrics, c).reconciles();
        total += reconciles;
        if (reconciles >= bindingsExpected) {
          caughtUp.putIfAbsent(c, now);
        }
      }
      if (total != previous) {
        previous = total;
        lastChange = now;
        cpuAtLast = RunCost.cpuSeconds(fleet.hub.process.pid());
        quietSince = System.nanoTime();
      } else if (System.nanoTime() - quietSince > TimeUnit.SECONDS.toNanos(3)
          && caughtUp.size() == CONTROLLERS.size()) {
        break;
      }
      Thread.sleep(200);
    }
    // Sampled before this benchmark reads every Work, binding and template back (below): those
    // reads are the benchmark's, not the restart's, and cost the hub's event loops and workers.
    Map<String, Double> threads = ThreadCpu.sample(fleet.hub.process.pid());
    Thread.sleep(5_000); // agents reconnect and report; anything they cause is counted too
    String metrics = fleet.hub.client().get("/metrics").body();
    long revisionAfter = (long) metric(metrics, "flotilla_store_revision");
    Map<String, String> worksAfter = versions(fleet.admin, WORKS);
    Map<String, String> bindingsAfter = versions(fleet.admin, BINDINGS);
    Map<String, String> templatesAfter = templateVersions(fleet.admin);
    System.out.printf(
        "[restart] %s: old hub exited in %.2f s (SIGTERM), new hub ready %.2f s after its start;"
            + " counted from the start, controllers reconciled every binding at %s s, last"
            + " reconcile at %.2f s (%s)%n",
        label,
        fleet.hub.stopSeconds,
        fleet.hub.startSeconds,
        fromStart(caughtUp, fleet.hub.stopSeconds),
        lastChange - fleet.hub.stopSeconds,
        RunCost.load());
    System.out.printf(
        "          hub CPU from its start: %.1f s until ready, %.1f s until the last reconcile%n",
        cpuAtReady, cpuAtLast);
    System.out.printf(
        "          rewritten: Works %d of %d, bindings %d of %d, templates %d of %d; store revision"
            + " %d -> %d; hub writes by request: %s%n",
        changed(worksBefore, worksAfter),
        worksBefore.size(),
        changed(bindingsBefore, bindingsAfter),
        bindingsBefore.size(),
        changed(templatesBefore, templatesAfter),
        templatesBefore.size(),
        revisionBefore,
        revisionAfter,
        writes(FederationBench.requestCounts(metrics)));
    System.out.printf(
        "          reads on the restarted hub (lists count pages; agents that resume their"
            + " watches list no Works): %s%n",
        reads(FederationBench.requestCounts(metrics)));
    System.out.printf("          after the restart: %s%n", mem(fleet));
    System.out.println("          the new hub's start by phase (seconds since its JVM began):");
    String controllerMetrics = fleet.hub.client().get("/metrics/controllers").body();
    for (String line : StartupSplit.render(controllerMetrics)) {
      System.out.println("            " + line);
    }
    System.out.printf(
        "          hub CPU by thread group at the last reconcile (ms, live threads only): %s%n",
        ThreadCpu.top(Map.of(), threads, 1, 14));
    return new Restarted(lastChange - fleet.hub.stopSeconds, cpuAtLast, controllerMetrics, threads);
  }

  private static String fromStart(Map<String, Double> at, double stop) {
    Map<String, String> out = new java.util.TreeMap<>();
    at.forEach((k, v) -> out.put(k, String.format("%.2f", v - stop)));
    return out.toString();
  }

  /** Creates the templates (16 threads) and waits until every Work exists and the hub settles. */
  private int propagate(FleetUnderTest fleet) throws Exception {
    KubernetesClient hub = fleet.admin;
    hub.namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName("state").endMetadata().build())
        .create();
    List<String> targets = everyCluster ? List.of("all") : fleet.memberNames;
    for (String target : targets) {
      String placement =
          everyCluster
              ? "clusterAffinity: {labelSelector: {matchLabels: {flotilla.dev/simulated: \"true\"}}}"
              : "clusterAffinity: {clusterNames: [" + target + "]}";
      String yaml =
          """
          apiVersion: policy.karmada.io/v1alpha1
          kind: PropagationPolicy
          metadata: {name: state-%s, namespace: state}
          spec:
            resourceSelectors:
            - {apiVersion: v1, kind: ConfigMap, labelSelector: {matchLabels: {bench-target: %s}}}
            placement:
              %s
          """
              .formatted(target, target, placement);
      hub.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).serverSideApply();
    }
    int expected = templates * (everyCluster ? clusters : 1);
    AtomicInteger works = new AtomicInteger();
    Watch watch =
        hub.genericKubernetesResources(WORKS)
            .inAnyNamespace()
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, GenericKubernetesResource w) {
                    if (action == Action.ADDED && w.getMetadata().getName().startsWith("state-")) {
                      works.incrementAndGet();
                    }
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                });
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(16);
    for (int t = 0; t < 16; t++) {
      pool.execute(
          () -> {
            for (int i; (i = next.getAndIncrement()) < templates; ) {
              String target = targets.get(i % targets.size());
              create(
                  hub,
                  new ConfigMapBuilder()
                      .withNewMetadata()
                      .withName("state-" + i)
                      .addToLabels("bench-target", target)
                      .endMetadata()
                      .addToData("payload", "x".repeat(200))
                      .build());
            }
          });
    }
    pool.shutdown();
    pool.awaitTermination(2, TimeUnit.HOURS);
    long deadline = System.nanoTime() + TimeUnit.HOURS.toNanos(1);
    while (works.get() < expected && System.nanoTime() < deadline) {
      Thread.sleep(500);
    }
    watch.close();
    FederationBench.settle(fleet);
    return works.get();
  }

  /**
   * Creates one template, retrying a failed request (a timeout on a loaded machine): an exception
   * used to end its creating thread silently, and with all sixteen gone the run waited an hour for
   * Works of templates never made (5,545 of 10,000 in one session-6 run). A 409 means an earlier
   * try got through.
   */
  private static void create(KubernetesClient hub, io.fabric8.kubernetes.api.model.ConfigMap cm) {
    for (int attempt = 1; ; attempt++) {
      try {
        hub.configMaps().inNamespace("state").resource(cm).create();
        return;
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() == 409) {
          return;
        }
        if (attempt >= 20) {
          throw e;
        }
        System.out.printf(
            "[state] create %s failed (%s); retrying%n",
            cm.getMetadata().getName(), e.getMessage());
        try {
          Thread.sleep(1_000L * attempt);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  private String mem(FleetUnderTest fleet) throws Exception {
    String m = fleet.hub.client().get("/metrics").body();
    return String.format(
        "RSS %.0f MiB, heap used %.0f MiB; store: %.0f keys, value cache %.1f MiB (hits %.0f,"
            + " misses %.0f), event window %.0f events / %.1f MiB (%s)",
        fleet.hub.rssMiB(),
        ApiServerBench.heapMiB(m),
        metric(m, "flotilla_store_keys"),
        metric(m, "flotilla_store_cache_bytes") / (1 << 20),
        metric(m, "flotilla_store_cache_hits_total"),
        metric(m, "flotilla_store_cache_misses_total"),
        metric(m, "flotilla_store_window_events"),
        metric(m, "flotilla_store_window_bytes") / (1 << 20),
        RunCost.load());
  }

  /**
   * The hub's live heap in MiB: {@code GC.class_histogram} runs a full GC and counts what survives
   * it; the histogram is kept in {@code file} beside the hub's data directory.
   */
  private static double liveMiB(FleetUnderTest fleet, String file) throws Exception {
    String histogram = jcmd(fleet, "GC.class_histogram");
    Files.writeString(fleet.hub.dataDir.resolveSibling(file), histogram);
    java.util.regex.Matcher total =
        java.util.regex.Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)").matcher(histogram);
    return total.find() ? Long.parseLong(total.group(1)) / (double) (1 << 20) : Double.NaN;
  }

  /** Runs jcmd against the hub, returning its output. */
  private static String jcmd(FleetUnderTest fleet, String... command) throws Exception {
    return HubFootprint.jcmd(fleet.hub.process.pid(), command);
  }

  /** name -> resourceVersion of every object of a kind, read in pages. */
  static Map<String, String> versions(KubernetesClient hub, ResourceDefinitionContext kind) {
    Map<String, String> out = new HashMap<>();
    String token = null;
    do {
      GenericKubernetesResourceList page =
          hub.genericKubernetesResources(kind)
              .inAnyNamespace()
              .list(new ListOptionsBuilder().withLimit(1000L).withContinue(token).build());
      for (GenericKubernetesResource r : page.getItems()) {
        out.put(
            r.getMetadata().getNamespace() + "/" + r.getMetadata().getName(),
            r.getMetadata().getResourceVersion());
      }
      token = page.getMetadata().getContinue();
    } while (token != null && !token.isEmpty());
    return out;
  }

  private static Map<String, String> templateVersions(KubernetesClient hub) {
    Map<String, String> out = new HashMap<>();
    hub.configMaps()
        .inNamespace("state")
        .list()
        .getItems()
        .forEach(c -> out.put(c.getMetadata().getName(), c.getMetadata().getResourceVersion()));
    return out;
  }

  private static long changed(Map<String, String> before, Map<String, String> after) {
    return before.entrySet().stream()
        .filter(e -> !e.getValue().equals(after.get(e.getKey())))
        .count();
  }

  /** Write requests (not reads) the restarted hub has served, "verb resource code" -> count. */
  private static Map<String, Double> writes(Map<String, Double> requests) {
    return byVerb(requests, List.of("create", "update", "patch", "delete"));
  }

  /** List and watch requests the restarted hub has served, "verb resource code" -> count. */
  private static Map<String, Double> reads(Map<String, Double> requests) {
    return byVerb(requests, List.of("list", "watch"));
  }

  private static Map<String, Double> byVerb(Map<String, Double> requests, List<String> verbs) {
    Map<String, Double> out = new java.util.TreeMap<>();
    requests.forEach(
        (k, v) -> {
          if (verbs.contains(k.substring(0, k.indexOf(' ')))) {
            out.put(k, v);
          }
        });
    return out;
  }

  static double metric(String metrics, String name) {
    for (String line : metrics.split("\n")) {
      if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return Double.NaN;
  }
}
