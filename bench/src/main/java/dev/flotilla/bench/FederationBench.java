package dev.flotilla.bench;

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
        "flotilla federation benchmark: %d cores, templates per run %d%n",
        Runtime.getRuntime().availableProcessors(), templates);
    for (int clusters : clusterCounts) {
      Path work = Files.createTempDirectory("flotilla-fed-bench");
      long started = System.nanoTime();
      try (FleetUnderTest fleet = new FleetUnderTest(work, clusters)) {
        System.out.printf(
            "[%d clusters] fleet ready in %.1f s%n", clusters, (System.nanoTime() - started) / 1e9);
        latency(fleet, clusters);
        burst(fleet, clusters);
        baseline(fleet, clusters);
        if (clusters == clusterCounts[0] && memoryTemplates > 0) {
          memory(fleet);
        }
      }
    }
  }

  /** Paced creates (50/s), every template propagated to every cluster. */
  private void latency(FleetUnderTest fleet, int clusters) throws Exception {
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
    Map<String, Long> createdAt = new ConcurrentHashMap<>();
    Percentiles latency = new Percentiles();
    AtomicInteger arrived = new AtomicInteger();
    List<Watch> watches = memberWatches(fleet, "lat-", createdAt, latency, arrived);
    for (int i = 0; i < templates; i++) {
      String name = "lat-" + i;
      createdAt.put(name, System.nanoTime());
      hub.configMaps().inNamespace("bench").resource(configMap(name, "latency")).create();
      Thread.sleep(20);
    }
    await(arrived, templates * clusters, 300);
    System.out.printf(
        "[%d clusters] distribution latency (hub create -> object in member): %s%n",
        clusters, latency.summary());
    watches.forEach(Watch::close);
  }

  /** Creates as fast as 16 threads can, then counts Works and scheduled bindings per second. */
  private void burst(FleetUnderTest fleet, int clusters) throws Exception {
    KubernetesClient hub = fleet.admin;
    int count = templates;
    AtomicLong firstWork = new AtomicLong();
    AtomicLong lastWork = new AtomicLong();
    AtomicInteger works = new AtomicInteger();
    Watch workWatch =
        hub.genericKubernetesResources(WORKS)
            .inAnyNamespace()
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, GenericKubernetesResource w) {
                    if (action == Action.ADDED && w.getMetadata().getName().startsWith("burst-")) {
                      long now = System.nanoTime();
                      firstWork.compareAndSet(0, now);
                      lastWork.set(now);
                      works.incrementAndGet();
                    }
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                });
    long start = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(16);
    for (int i = 0; i < count; i++) {
      int n = i;
      pool.execute(
          () ->
              hub.configMaps()
                  .inNamespace("bench")
                  .resource(configMap("burst-" + n, "burst"))
                  .create());
    }
    pool.shutdown();
    pool.awaitTermination(10, TimeUnit.MINUTES);
    await(works, count * clusters, 300);
    double span = (lastWork.get() - start) / 1e9;
    int scheduled = 0;
    for (GenericKubernetesResource rb :
        hub.genericKubernetesResources("work.karmada.io/v1alpha2", "ResourceBinding")
            .inNamespace("bench")
            .list()
            .getItems()) {
      if (rb.getMetadata().getName().startsWith("burst-")
          && String.valueOf(rb.getAdditionalProperties().get("status"))
              .contains("Binding has been scheduled successfully")) {
        scheduled++;
      }
    }
    System.out.printf(
        "[%d clusters] burst of %d templates: %d Works in %.2f s = %.0f Works/s; %d bindings"
            + " scheduled = %.0f schedules/s%n",
        clusters, count, works.get(), span, works.get() / span, scheduled, scheduled / span);
    workWatch.close();
  }

  /**
   * The same objects written straight to the members, sequentially per object, same client library.
   */
  private void baseline(FleetUnderTest fleet, int clusters) {
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
      works =
          hub.genericKubernetesResources(WORKS)
              .inNamespace("karmada-es-member1")
              .list()
              .getItems()
              .size();
      if (works >= memoryTemplates) {
        break;
      }
      Thread.sleep(2000);
    }
    Thread.sleep(5000);
    String metrics =
        new HubClient(
                "https://127.0.0.1:" + fleet.hub.port,
                fleet.hub.dataDir.resolve("pki/ca.crt"),
                Files.readString(fleet.hub.dataDir.resolve("admin.token")).trim())
            .get("/metrics")
            .body();
    System.out.printf(
        "[memory] hub (API server + controllers, one JVM) holding %d propagated templates"
            + " (%d Works, plus bindings and the templates): heap used %.0f MiB, RSS %.0f MiB%n",
        memoryTemplates, works, ApiServerBench.heapMiB(metrics), fleet.hub.rssMiB());
  }

  private static List<Watch> memberWatches(
      FleetUnderTest fleet,
      String prefix,
      Map<String, Long> createdAt,
      Percentiles latency,
      AtomicInteger arrived) {
    List<Watch> watches = new ArrayList<>();
    for (KubernetesClient member : fleet.memberClients) {
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
                          latency.add(System.nanoTime() - t0);
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
