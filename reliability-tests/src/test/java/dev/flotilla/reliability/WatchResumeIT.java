package dev.flotilla.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.Random;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Watch: watchers whose connections are cut from the client side (a TCP reset) again and again
 * while a writer keeps writing (20 cuts in the short form, 100 in the long). Each resumes from the
 * last resourceVersion it saw and must see every acknowledged write exactly once, in order, or be
 * told 410 Gone and re-list (then it is held to the same from the list's resourceVersion on).
 */
class WatchResumeIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NS = "watch-cuts";
  private static final int WATCHERS = 4;

  /** rv -> name of every write the hub acknowledged. */
  private final NavigableMap<Long, String> written = new ConcurrentSkipListMap<>();

  private final AtomicInteger cuts = new AtomicInteger();
  private final AtomicBoolean writerDone = new AtomicBoolean();
  private final List<Segment> segments = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final AtomicInteger gone = new AtomicInteger();
  private final List<String> mismatches = new java.util.concurrent.CopyOnWriteArrayList<>();

  @Test
  void cutWatchesResumeAndSeeEveryEventOnce() throws Exception {
    Path dir = Files.createTempDirectory("flotilla-watch");
    try (Processes hubProcess = HubHandle.start("watch-hub", dir);
        KubernetesClient client = HubHandle.client(hubProcess, dir)) {
      RawHttps hub = HubHandle.raw(hubProcess, dir);
      client
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
          .create();
      long start = listRv(hub);
      AtomicBoolean writing = new AtomicBoolean(true);
      ExecutorService threads = Executors.newFixedThreadPool(WATCHERS + 1);
      Future<?> writer = threads.submit(() -> write(client, writing));
      List<Future<?>> watchers = new ArrayList<>();
      for (int w = 0; w < WATCHERS; w++) {
        int id = w;
        watchers.add(threads.submit(() -> watch(hub, id, start, writing)));
      }
      Await.until(
          Form.watchCuts() + " cuts",
          java.time.Duration.ofMinutes(10),
          () -> {
            for (Future<?> f : watchers) {
              failFast(f);
            }
            failFast(writer);
            return cuts.get() >= Form.watchCuts() ? true : null;
          });
      writing.set(false);
      writer.get(2, TimeUnit.MINUTES);
      for (Future<?> f : watchers) {
        f.get(5, TimeUnit.MINUTES);
      }
      threads.shutdown();
    }
    segments.forEach(g -> check(g.watcher(), g.from(), g.to(), g.seen()));
    System.out.printf(
        "RELIABILITY watch (%s): %d forced disconnects under write load (%d writes), %d resumes"
            + " answered 410 and re-listed, %d watchers with a missed or repeated event%n",
        Form.name(), cuts.get(), written.size(), gone.get(), mismatches.size());
    assertEquals(List.of(), mismatches);
  }

  /** A writer or watcher that failed fails the test at once (Await retries on exceptions). */
  private static void failFast(Future<?> f) throws InterruptedException {
    if (f.isDone()) {
      try {
        f.get();
      } catch (java.util.concurrent.ExecutionException e) {
        throw new AssertionError("a writer or watcher failed", e.getCause());
      }
    }
  }

  private void write(KubernetesClient client, AtomicBoolean writing) {
    try {
      writeUntilStopped(client, writing);
    } finally {
      writerDone.set(true);
    }
  }

  private void writeUntilStopped(KubernetesClient client, AtomicBoolean writing) {
    for (int i = 0; writing.get() || written.isEmpty(); i++) {
      String name = "cm-" + (i % 25);
      var cm =
          new ConfigMapBuilder()
              .withNewMetadata()
              .withName(name)
              .addToLabels("app", "cuts")
              .endMetadata()
              .addToData("v", "" + i)
              .build();
      var done = client.configMaps().inNamespace(NS).resource(cm).createOr(c -> c.update());
      written.put(Long.parseLong(done.getMetadata().getResourceVersion()), name);
      sleep(5);
    }
  }

  /**
   * Watches from {@code from}, cutting after a random number of events while cuts are wanted;
   * returns once it has seen the last write. Checks each stretch between (re-)lists.
   */
  private Void watch(RawHttps hub, int id, long from, AtomicBoolean writing) throws Exception {
    Random random = new Random(id);
    long segmentStart = from;
    long last = from;
    List<Long> seen = new ArrayList<>();
    while (!writerDone.get() || last < written.lastKey()) {
      int budget = cuts.get() < Form.watchCuts() ? 1 + random.nextInt(15) : Integer.MAX_VALUE;
      try (WatchStream stream =
          new WatchStream(
              hub,
              "/api/v1/namespaces/"
                  + NS
                  + "/configmaps?labelSelector=app=cuts&watch=1&timeoutSeconds=10&resourceVersion="
                  + last)) {
        boolean expired = stream.status == 410;
        for (JsonNode e; !expired && budget > 0 && (e = stream.next()) != null; budget--) {
          if ("ERROR".equals(e.path("type").asText())) {
            expired = e.path("object").path("code").asInt() == 410;
            if (!expired) {
              throw new IllegalStateException("watch error: " + e);
            }
          } else {
            last =
                Long.parseLong(e.path("object").path("metadata").path("resourceVersion").asText());
            seen.add(last);
            if (writerDone.get() && last >= written.lastKey()) {
              break;
            }
          }
        }
        if (expired) {
          segments.add(new Segment(id, segmentStart, last, seen));
          gone.incrementAndGet();
          segmentStart = last = listRv(hub);
          seen = new ArrayList<>();
        } else if (budget == 0 && cuts.getAndIncrement() < Form.watchCuts()) {
          stream.cut();
        }
      }
    }
    segments.add(new Segment(id, segmentStart, last, seen));
    return null;
  }

  /** What one watcher saw between two (re-)lists. */
  private record Segment(int watcher, long from, long to, List<Long> seen) {}

  /** Checked once the writer is done, so that every acknowledged write is recorded. */
  private void check(int id, long from, long to, List<Long> seen) {
    List<Long> expected = new ArrayList<>(written.subMap(from, false, to, true).keySet());
    if (!expected.equals(seen)) {
      mismatches.add(
          "watcher "
              + id
              + " from "
              + from
              + " to "
              + to
              + ": expected "
              + expected.size()
              + " events, saw "
              + seen.size()
              + " "
              + diff(expected, seen));
    }
  }

  private static String diff(List<Long> expected, List<Long> seen) {
    List<Long> missing = new ArrayList<>(expected);
    missing.removeAll(seen);
    List<Long> extra = new ArrayList<>(seen);
    for (Long rv : expected) {
      extra.remove(rv);
    }
    return "missing " + missing + ", extra or repeated " + extra;
  }

  private static long listRv(RawHttps hub) throws Exception {
    return JSON.readTree(hub.get("/api/v1/namespaces/" + NS + "/configmaps"))
        .path("metadata")
        .path("resourceVersion")
        .asLong();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
