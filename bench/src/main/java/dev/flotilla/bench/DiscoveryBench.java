package dev.flotilla.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.fixtures.Workloads;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fleet-wide discovery benchmark: one exported service with many instances spread over the
 * members, read through the hub's discovery API by concurrent authenticated clients (bearer token
 * over HTTPS, as {@code flotilla discover} sends it): full reads, "only if changed" reads with the
 * revision, and streaming watchers timed from the provider's EndpointSlice commit. Baselines from
 * the same hub in the same run: a list of EndpointSlices holding the same endpoints, a small GET,
 * and a write -> watch event round trip.
 */
public final class DiscoveryBench {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String NS = "disco";
  private static final String SVC = "catalog";
  private static final String PATH =
      "/apis/discovery.flotilla.dev/v1/namespaces/" + NS + "/services/" + SVC + "/instances";
  private static final Pattern REVISION = Pattern.compile("\"revision\":\"([^\"]*)\"");

  private final int instances;
  private final int clusters;
  private final int threads;
  private final int seconds;
  private final int watchers;
  private final int watchChanges;

  public DiscoveryBench(
      int instances, int clusters, int threads, int seconds, int watchers, int watchChanges) {
    this.instances = instances;
    this.clusters = clusters;
    this.threads = threads;
    this.seconds = seconds;
    this.watchers = watchers;
    this.watchChanges = watchChanges;
  }

  public void run() throws Exception {
    System.out.printf(
        "flotilla discovery benchmark: %d cores, service %s/%s with %d instances over %d"
            + " clusters, %d concurrent readers, %d s per phase, %d streaming watchers%n",
        Runtime.getRuntime().availableProcessors(),
        NS,
        SVC,
        instances,
        clusters,
        threads,
        seconds,
        watchers);
    Path work = Files.createTempDirectory("flotilla-discovery-bench");
    long started = System.nanoTime();
    try (FleetUnderTest fleet = new FleetUnderTest(work, clusters)) {
      System.out.printf(
          "fleet ready (hub in its own JVM; members and agents in this JVM) in %.1f s%n",
          (System.nanoTime() - started) / 1e9);
      AtomicReference<String> watchedCluster = new AtomicReference<>();
      AtomicReference<String> lastContent = new AtomicReference<>();
      AtomicLong committedAt = new AtomicLong();
      ExecutorService handoff = Executors.newSingleThreadExecutor(McsBench.daemon("slice-tap"));
      List<SliceTap> taps = new ArrayList<>();
      for (var member : fleet.members.fleet().members()) {
        taps.add(
            SliceTap.start(
                member,
                handoff,
                (cluster, slice, deleted, nanos) -> {
                  if (cluster.equals(watchedCluster.get())
                      && NS.equals(slice.path("metadata").path("namespace").asText())
                      && SVC.equals(
                          slice
                              .path("metadata")
                              .path("labels")
                              .path("kubernetes.io/service-name")
                              .asText())) {
                    String content = EndpointContent.of(slice);
                    if (!content.equals(lastContent.getAndSet(content))) {
                      committedAt.compareAndSet(0, nanos);
                    }
                  }
                }));
      }
      try {
        HubClient hub = fleet.hub.client();
        long setupStart = System.nanoTime();
        Workloads.installMcsCrds(fleet.memberClients);
        for (int c = 0; c < clusters; c++) {
          KubernetesClient m = fleet.memberClients.get(c);
          int share = instances / clusters + (c < instances % clusters ? 1 : 0);
          Workloads.namespace(m, NS);
          Workloads.app(m, NS, SVC, share);
          Workloads.export(m, NS, SVC);
        }
        String revision = awaitInstances(hub, setupStart);
        reads(hub, revision);
        baselines(fleet, hub);
        watch(fleet, hub, watchedCluster, lastContent, committedAt);
      } finally {
        taps.forEach(SliceTap::close);
        handoff.shutdownNow();
      }
    }
  }

  private String awaitInstances(HubClient hub, long since) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    while (System.nanoTime() < deadline) {
      HttpResponse<String> r = hub.get(PATH + "?ready=true");
      if (r.statusCode() == 200) {
        JsonNode list = MAPPER.readTree(r.body());
        if (list.path("instances").size() >= instances) {
          System.out.printf(
              "all %d instances ready in the discovery API %.1f s after the first create%n",
              list.path("instances").size(), (System.nanoTime() - since) / 1e9);
          return list.path("revision").asText();
        }
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("the discovery API did not list " + instances + " instances");
  }

  private void reads(HubClient hub, String revision) throws Exception {
    HttpLoad.Result full =
        HttpLoad.run(hub, threads, seconds, () -> hub.request(PATH).GET().build(), 200);
    System.out.printf("discovery full read (%d instances): %s%n", instances, full.summary());
    HttpLoad.Result ready =
        HttpLoad.run(
            hub, threads, seconds, () -> hub.request(PATH + "?ready=true").GET().build(), 200);
    System.out.printf("discovery read ?ready=true: %s%n", ready.summary());
    HttpLoad.Result unchanged =
        HttpLoad.run(
            hub,
            threads,
            seconds,
            () -> hub.request(PATH).header("If-None-Match", "\"" + revision + "\"").GET().build(),
            304);
    System.out.printf(
        "discovery \"only if changed\" read (If-None-Match, 304): %s%n", unchanged.summary());
    lastFull = full;
    lastUnchanged = unchanged;
  }

  private HttpLoad.Result lastFull;
  private HttpLoad.Result lastUnchanged;

  /** The same endpoints as plain EndpointSlices on the hub, listed; and a tiny GET. */
  private void baselines(FleetUnderTest fleet, HubClient hub) throws Exception {
    String ns = "disco-baseline";
    hub.post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"" + ns + "\"}}");
    int endpoints = 0;
    for (int c = 0; c < clusters; c++) {
      for (var slice :
          fleet
              .memberClients
              .get(c)
              .discovery()
              .v1()
              .endpointSlices()
              .inNamespace(NS)
              .withLabel("kubernetes.io/service-name", SVC)
              .list()
              .getItems()) {
        ObjectNode copy = MAPPER.valueToTree(slice);
        ObjectNode meta = copy.putObject("metadata");
        meta.put("name", SVC + "-" + fleet.memberNames.get(c));
        meta.putObject("labels").put("kubernetes.io/service-name", SVC);
        endpoints += copy.path("endpoints").size();
        HttpResponse<String> r =
            hub.post(
                "/apis/discovery.k8s.io/v1/namespaces/" + ns + "/endpointslices", copy.toString());
        if (r.statusCode() != 201) {
          throw new IllegalStateException("baseline slice not created: " + r.body());
        }
      }
    }
    HttpLoad.Result list =
        HttpLoad.run(
            hub,
            threads,
            seconds,
            () ->
                hub.request("/apis/discovery.k8s.io/v1/namespaces/" + ns + "/endpointslices")
                    .GET()
                    .build(),
            200);
    System.out.printf(
        "baseline: hub API server list of %d EndpointSlices with the same %d endpoints: %s%n",
        clusters, endpoints, list.summary());
    HttpLoad.Result small =
        HttpLoad.run(
            hub,
            threads,
            seconds,
            () -> hub.request("/api/v1/namespaces/" + ns).GET().build(),
            200);
    System.out.printf("baseline: hub API server GET of one Namespace: %s%n", small.summary());
    System.out.printf(
        "ratio: discovery full read / EndpointSlice list = %.2fx req/s, %.2fx p99;"
            + " 304 read / Namespace GET = %.2fx req/s, %.2fx p99%n",
        lastFull.perSecond() / list.perSecond(),
        lastFull.latency().percentileMillis(99) / list.latency().percentileMillis(99),
        lastUnchanged.perSecond() / small.perSecond(),
        lastUnchanged.latency().percentileMillis(99) / small.latency().percentileMillis(99));
  }

  /** Streaming watchers; each change is a pod turning (not) ready in one provider. */
  private void watch(
      FleetUnderTest fleet,
      HubClient hub,
      AtomicReference<String> watchedCluster,
      AtomicReference<String> lastContent,
      AtomicLong committedAt)
      throws Exception {
    List<List<long[]>> lines = new ArrayList<>(); // per watcher: {arrival nanos, revision}
    for (int w = 0; w < watchers; w++) {
      List<long[]> mine = new CopyOnWriteArrayList<>();
      lines.add(mine);
      Thread t =
          new Thread(
              () -> {
                try {
                  HttpResponse<java.util.stream.Stream<String>> r =
                      hub.http()
                          .send(
                              hub.request(PATH + "?watch=true").GET().build(),
                              HttpResponse.BodyHandlers.ofLines());
                  r.body()
                      .forEach(
                          line -> {
                            long now = System.nanoTime();
                            Matcher m = REVISION.matcher(line);
                            mine.add(new long[] {now, m.find() ? Long.parseLong(m.group(1)) : -1});
                          });
                } catch (Exception e) {
                  // the hub went away at the end of the run
                }
              },
              "discovery-watch-" + w);
      t.setDaemon(true);
      t.start();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (lines.stream().anyMatch(List::isEmpty) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    Percentiles latency = new Percentiles();
    int missed = 0;
    for (int k = 0; k < watchChanges; k++) {
      int c = (k / 2) % clusters;
      KubernetesClient member = fleet.memberClients.get(c);
      String pod =
          member
              .pods()
              .inNamespace(NS)
              .withLabel("app", SVC)
              .list()
              .getItems()
              .get(0)
              .getMetadata()
              .getName();
      int[] before = lines.stream().mapToInt(List::size).toArray();
      watchedCluster.set(fleet.memberNames.get(c));
      lastContent.set(
          EndpointContent.of(
              MAPPER.valueToTree(
                  member
                      .discovery()
                      .v1()
                      .endpointSlices()
                      .inNamespace(NS)
                      .withLabel("kubernetes.io/service-name", SVC)
                      .list()
                      .getItems()
                      .get(0))));
      committedAt.set(0);
      String value = k % 2 == 0 ? "\"false\"" : "null";
      member
          .pods()
          .inNamespace(NS)
          .withName(pod)
          .patch(
              io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                  io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
              "{\"metadata\":{\"annotations\":{\"sim.flotilla.dev/ready\":" + value + "}}}");
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      boolean allSaw = false;
      while (System.nanoTime() < until) {
        allSaw = committedAt.get() != 0;
        for (int w = 0; w < watchers && allSaw; w++) {
          allSaw = lines.get(w).size() > before[w];
        }
        if (allSaw) {
          break;
        }
        Thread.sleep(2);
      }
      long t0 = committedAt.get();
      for (int w = 0; w < watchers; w++) {
        if (t0 != 0 && lines.get(w).size() > before[w]) {
          latency.add(Math.max(0, lines.get(w).get(before[w])[0] - t0));
        } else {
          missed++;
        }
      }
      watchedCluster.set(null);
      Thread.sleep(100);
    }
    System.out.printf(
        "discovery streaming watch (provider EndpointSlice commit -> line in each of %d"
            + " watchers, %d changes): %s, %d missed%n",
        watchers, watchChanges, latency.summary(), missed);
    Percentiles rt = WatchRoundTrip.measure(fleet.admin, "disco-rt", 200);
    System.out.printf(
        "baseline: write -> watch event on the hub API server (HTTPS, fabric8): %s%n",
        rt.summary());
    System.out.printf(
        "ratio: discovery watch / one write->watch hop = %.1fx at p50, %.1fx at p99 (two hops:"
            + " provider slice -> agent -> export Work on the hub -> discovery index -> stream)%n",
        latency.percentileMillis(50) / rt.percentileMillis(50),
        latency.percentileMillis(99) / rt.percentileMillis(99));
  }
}
