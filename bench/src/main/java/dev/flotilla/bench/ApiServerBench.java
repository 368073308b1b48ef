package dev.flotilla.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The hub API server benchmark: durable creates/s against the raw SQLite durable insert rate on the
 * same disk, gets/s, list latency over 10,000 objects, watch delivery latency with 1,000 concurrent
 * watchers, and the hub's heap and RSS. Prints figures; asserts nothing.
 */
public final class ApiServerBench {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Pattern NAME = Pattern.compile("\"name\":\"(w-\\d+)\"");

  private final int objects;
  private final int watchers;
  private final int threads;
  private final List<String> stores;

  public ApiServerBench(int objects, int watchers, int threads) {
    this(objects, watchers, threads, List.of("sqlite"));
  }

  /** As the other constructor, once per store ("sqlite", "etcd"), one after the other. */
  public ApiServerBench(int objects, int watchers, int threads, List<String> stores) {
    this.objects = objects;
    this.watchers = watchers;
    this.threads = threads;
    this.stores = stores;
  }

  private boolean createsOnly;

  /** With true, each store's run ends after the baseline and the creates. */
  public ApiServerBench createsOnly(boolean only) {
    this.createsOnly = only;
    return this;
  }

  private boolean http2 = true;

  /**
   * The protocol of the create phases' clients: h2 (the default, as client-go speaks to
   * kube-apiserver) sends the requests as streams on one connection; HTTP/1.1 gives each request in
   * flight a connection of its own (the figures before session 9).
   */
  public ApiServerBench createsOverHttp2(boolean h2) {
    this.http2 = h2;
    return this;
  }

  public void run() throws Exception {
    System.out.printf(
        "flotilla apiserver benchmark: %d objects, %d watchers, %d client threads, %d cores%n",
        objects, watchers, threads, Runtime.getRuntime().availableProcessors());
    for (String store : stores) {
      Path work = Files.createTempDirectory("flotilla-bench");
      System.out.println("== store " + store);
      switch (store) {
        case "sqlite" -> {
          CreateCost rawCost =
              CreateCost.start(new CreateCost.Pids(-1, -1), java.util.Optional.empty());
          double raw = RawSqliteBaseline.durableInsertsPerSecond(work.resolve("raw"), 2000);
          System.out.printf(
              "baseline  raw SQLite durable inserts (WAL, synchronous=FULL, 1 row/commit): %.0f/s%n",
              raw);
          rawCost.print("baseline", 2000);
          run(work, hubPid -> raw, List.of(), java.util.Optional.empty());
        }
        case "etcd" -> {
          try (dev.flotilla.store.etcd.LocalEtcd etcd =
              dev.flotilla.store.etcd.LocalEtcd.start(work.resolve("etcd"), 1)) {
            dev.flotilla.store.etcd.LocalEtcd.Member member = etcd.members().get(0);
            // The client's JIT warms up first, as the hub's does before its creates.
            RawEtcdBaseline.putsPerSecond(
                etcd.connection("/raw-warmup"),
                Math.max(1, objects / 5),
                threads,
                RawEtcdBaseline.FILLER);
            // Measured after the hub's warm-up, putting the bytes the hub stored for a create.
            Baseline baseline =
                hubPid -> {
                  byte[] value =
                      RawEtcdBaseline.storedValue(
                          etcd.connection(dev.flotilla.store.etcd.EtcdConnection.DEFAULT_PREFIX),
                          "/registry/core/configmaps/warmup/cm-0");
                  CreateCost rawCost =
                      CreateCost.start(
                          // The hub's own CPU meanwhile is printed too: it runs beside the
                          // baseline, idle once its warm-up is over, and must stay near zero.
                          new CreateCost.Pids(hubPid, member.pid()),
                          java.util.Optional.of(member.clientUrl()));
                  EtcdInFlight rawInFlight = EtcdInFlight.start(member.clientUrl());
                  double raw =
                      RawEtcdBaseline.putsPerSecond(
                          etcd.connection("/raw"), objects, threads, value);
                  rawInFlight.print("baseline");
                  System.out.printf(
                      "baseline  raw etcd durable puts (jetcd, %d in flight, one member), each of the"
                          + " %d bytes the hub stored for a create (the request body is %d): %.0f/s%n",
                      threads, value.length, configMap("cm-0").length(), raw);
                  rawCost.print("baseline", objects);
                  return raw;
                };
            run(
                work,
                baseline,
                List.of("--etcd-servers", etcd.servers()),
                java.util.Optional.of(member));
          }
        }
        default -> throw new IllegalArgumentException("--store: sqlite or etcd, not " + store);
      }
    }
  }

  /** The raw durable write rate the creates are compared with, measured when called. */
  private interface Baseline {
    /** Measured while the hub {@code hubPid} is up (idle): its CPU meanwhile is printed. */
    double perSecond(long hubPid) throws Exception;
  }

  private void run(
      Path work,
      Baseline baseline,
      List<String> storeArgs,
      java.util.Optional<dev.flotilla.store.etcd.LocalEtcd.Member> etcd)
      throws Exception {
    List<String> hubArgs = new java.util.ArrayList<>(storeArgs);
    hubArgs.addAll(List.of("--token-auth-file", AuthorizationCost.tokenFile(work).toString()));
    List<String> jvmArgs = new java.util.ArrayList<>(List.of("-Xmx1g"));
    // e.g. -Dflotilla.bench.hubJvmArgs="-XX:StartFlightRecording=filename=/tmp/hub.jfr" to profile
    String extra = System.getProperty("flotilla.bench.hubJvmArgs", "").trim();
    if (!extra.isEmpty()) {
      jvmArgs.addAll(List.of(extra.split("\\s+")));
    }
    try (HubProcess hub = HubProcess.start(work.resolve("hub"), jvmArgs, hubArgs)) {
      HubClient client = hub.client();
      client.post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"bench\"}}");
      client.post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"watch\"}}");
      client.post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"warmup\"}}");
      int warmed;
      try (CreatePhases creator = new CreatePhases(hub, threads, http2)) {
        // The hub's JIT warms up on creates elsewhere first (printed, not the figure): the raw
        // baseline is etcd's steady rate, so the hub's is measured steady too. The JIT compiles
        // in wall time: a fast hub's rounds are short, so it may need more of them than a slow
        // one's (a quiet run of session 9 stopped at objects more, its JIT still at 49%).
        int first = Math.max(1, objects / 5);
        warmed =
            creator.warmUp(
                "warmup",
                first,
                Math.max(1000, objects / 10),
                first + 3 * objects,
                i -> configMap("cm-" + i));
        double raw = baseline.perSecond(hub.process.pid());
        CreateCost cost =
            CreateCost.start(
                new CreateCost.Pids(
                    hub.process.pid(),
                    etcd.map(dev.flotilla.store.etcd.LocalEtcd.Member::pid).orElse(-1L)),
                etcd.map(dev.flotilla.store.etcd.LocalEtcd.Member::clientUrl));
        java.util.Optional<EtcdInFlight> inFlight =
            etcd.map(m -> EtcdInFlight.start(m.clientUrl()));
        double creates = creator.run("bench", objects, i -> configMap("cm-" + i));
        if (inFlight.isPresent()) {
          inFlight.get().print("creates");
        }
        System.out.printf(
            "creates   %.0f/s over HTTPS, %s = %.2fx the raw durable rate%n",
            creates, creator.protocol(), creates / raw);
        cost.print("creates", objects);
      }
      if (createsOnly) {
        return;
      }
      double gets =
          ParallelCalls.perSecond(
              threads,
              objects * 2,
              i ->
                  ParallelCalls.expect(
                      client.get("/api/v1/namespaces/bench/configmaps/cm-" + (i % objects)), 200));
      System.out.printf("gets      %.0f/s%n", gets);
      Percentiles list = new Percentiles();
      for (int i = 0; i < 20; i++) {
        long t = System.nanoTime();
        ParallelCalls.expect(client.get("/api/v1/namespaces/bench/configmaps"), 200);
        list.add(System.nanoTime() - t);
      }
      System.out.printf("list      %d objects in one response: %s%n", objects, list.summary());
      Percentiles paged = new Percentiles();
      for (int i = 0; i < 20; i++) {
        paged.add(pagedList(client));
      }
      System.out.printf("list      %d objects in pages of 500: %s%n", objects, paged.summary());
      new AuthorizationCost(objects, threads).run(hub, work);
      watchDelivery(client);
      String metrics = client.get("/metrics").body();
      System.out.printf(
          "memory    hub heap used %.0f MiB, RSS %.0f MiB (holding %d objects)%n",
          heapMiB(metrics), hub.rssMiB(), objects + warmed + 200);
    }
  }

  private long pagedList(HubClient client) throws Exception {
    long t = System.nanoTime();
    String cont = "";
    do {
      String body =
          ParallelCalls.expect(
              client.get(
                  "/api/v1/namespaces/bench/configmaps?limit=500"
                      + (cont.isEmpty() ? "" : "&continue=" + cont)),
              200);
      Matcher m = Pattern.compile("\"continue\":\"([^\"]+)\"").matcher(body);
      cont = m.find() ? m.group(1) : "";
    } while (!cont.isEmpty());
    return System.nanoTime() - t;
  }

  /** Opens the watchers, writes objects one by one, and measures write-sent to event-received. */
  private void watchDelivery(HubClient client) throws Exception {
    // The list's own resourceVersion, not an item's: an item's is older, and after the creates
    // above it lies below the hub's event window, so every watch ended at once with 410 Expired.
    String rv =
        MAPPER
            .readTree(client.get("/api/v1/namespaces/watch/configmaps").body())
            .path("metadata")
            .path("resourceVersion")
            .asText();
    Map<String, Long> sentAt = new ConcurrentHashMap<>();
    Percentiles delivery = new Percentiles();
    int events = 200;
    CountDownLatch all = new CountDownLatch(watchers * events);
    AtomicInteger errors = new AtomicInteger();
    AtomicReference<String> firstError = new AtomicReference<>();
    WatchFanOut streams =
        new WatchFanOut(
            client,
            "/api/v1/namespaces/watch/configmaps?watch=true&resourceVersion="
                + rv
                + "&timeoutSeconds=300",
            watchers,
            line -> {
              long now = System.nanoTime();
              Matcher m = NAME.matcher(line);
              if (m.find()) {
                Long sent = sentAt.get(m.group(1));
                if (sent != null) {
                  delivery.add(now - sent);
                }
                all.countDown();
              } else if (line.startsWith("{\"type\":\"ERROR\"")) {
                errors.incrementAndGet();
                firstError.compareAndSet(null, line);
              }
            });
    streams.awaitOpen(120);
    System.out.printf(
        "watch     %d watchers open%s%n",
        streams.open(),
        streams.failed() == 0
            ? ""
            : ", " + streams.failed() + " refused or broken, the first: " + streams.firstFailure());
    for (int i = 0; i < events; i++) {
      String name = "w-" + i;
      sentAt.put(name, System.nanoTime());
      ParallelCalls.expect(
          client.post("/api/v1/namespaces/watch/configmaps", configMap(name)), 201);
      Thread.sleep(20);
    }
    boolean complete = all.await(120, TimeUnit.SECONDS);
    System.out.printf(
        "watch     delivery (create sent -> event received) at %d watchers: %s%s%n",
        watchers, delivery.summary(), complete ? "" : " (INCOMPLETE: some events not received)");
    if (errors.get() > 0) {
      System.out.printf(
          "watch     %d watches ended with an ERROR event, the first: %s%n",
          errors.get(), firstError.get());
    }
    streams.close();
  }

  private static String configMap(String name) {
    return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\""
        + name
        + "\",\"labels\":{\"app\":\"bench\"}},\"data\":{\"payload\":\""
        + "x".repeat(400)
        + "\"}}";
  }

  static double heapMiB(String metrics) {
    double sum = 0;
    for (String line : metrics.split("\n")) {
      if (line.startsWith("jvm_memory_used_bytes") && line.contains("area=\"heap\"")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum / (1024 * 1024);
  }
}
