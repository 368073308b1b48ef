package dev.flotilla.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * What the memory figure must also serve: every execution namespace's Works listed unpaged, all at
 * once (as the agents' informers list when they all relist together, and as {@code kubectl get
 * works -n karmada-es-x --chunk-size=0} does), and then a hub that never ran out of heap or
 * answered 5xx during the whole run. A heap that holds the templates but cannot answer these is no
 * figure.
 */
final class UnpagedLists {
  private UnpagedLists() {}

  /**
   * Lists each {@code karmada-es-*} namespace's Works unpaged, concurrently, and counts the items
   * as they stream in (decoding 10 x 10,000 Works here would load this JVM, not the hub); prints
   * what it took.
   */
  static void everyExecutionNamespace(FleetUnderTest fleet) throws Exception {
    HubClient hub = fleet.hub.client();
    double cpu0 = RunCost.cpuSeconds(fleet.hub.process.pid());
    long t0 = System.nanoTime();
    List<CompletableFuture<long[]>> lists = new ArrayList<>();
    for (String member : fleet.memberNames) {
      String path = "/apis/work.karmada.io/v1alpha1/namespaces/karmada-es-" + member + "/works";
      lists.add(
          hub.http()
              .sendAsync(hub.request(path).GET().build(), HttpResponse.BodyHandlers.ofInputStream())
              .thenApply(UnpagedLists::count));
    }
    long items = 0;
    long bytes = 0;
    List<String> failed = new ArrayList<>();
    for (int i = 0; i < lists.size(); i++) {
      try {
        long[] got = lists.get(i).join();
        items += got[0];
        bytes += got[1];
      } catch (RuntimeException e) {
        failed.add(fleet.memberNames.get(i) + ": " + e.getMessage());
      }
    }
    System.out.printf(
        "[memory] %d unpaged lists of an execution namespace's Works at once: %d items, %.1f MiB"
            + " in %.1f s, hub CPU %.1f s, %d failed%s (%s)%n",
        lists.size(),
        items,
        bytes / (double) (1 << 20),
        (System.nanoTime() - t0) / 1e9,
        RunCost.cpuSeconds(fleet.hub.process.pid()) - cpu0,
        failed.size(),
        failed.isEmpty() ? "" : " " + failed,
        RunCost.load());
  }

  /** {items, bytes} of a list response, read as a stream; a non-200 answer is a failure. */
  private static long[] count(HttpResponse<InputStream> r) {
    try (CountingStream in = new CountingStream(r.body())) {
      if (r.statusCode() != 200) {
        throw new IllegalStateException(
            r.statusCode() + " " + new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
      long items = 0;
      try (JsonParser p = new JsonFactory().createParser(in)) {
        // Depth 1 is the list, its "items" array depth 2, and each object in it one item.
        int depth = 0;
        boolean inItems = false;
        for (JsonToken t; (t = p.nextToken()) != null; ) {
          if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
            depth++;
            if (depth == 2 && t == JsonToken.START_ARRAY) {
              inItems = "items".equals(p.currentName());
            } else if (depth == 3 && inItems && t == JsonToken.START_OBJECT) {
              items++;
            }
          } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
            depth--;
          }
        }
      }
      return new long[] {items, in.count};
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Counts the bytes read through it. */
  private static final class CountingStream extends java.io.FilterInputStream {
    long count;

    CountingStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      count += b < 0 ? 0 : 1;
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      count += Math.max(0, n);
      return n;
    }
  }

  /**
   * Prints the hub's OutOfMemoryErrors (in its log) and 5xx answers (on its /metrics) over the
   * whole run, and fails the run when there was any.
   */
  static void requireHealthyHub(FleetUnderTest fleet) throws Exception {
    Path log = fleet.hub.dataDir.resolveSibling("hub.log");
    long ooms;
    try (var lines = Files.lines(log)) {
      ooms = lines.filter(l -> l.contains("OutOfMemoryError") && !l.contains("Caused by")).count();
    }
    Map<String, Double> requests =
        FederationBench.requestCounts(fleet.hub.client().get("/metrics").body());
    Map<String, Double> errors = new java.util.TreeMap<>();
    requests.forEach(
        (k, v) -> {
          if (k.matches(".* 5\\d\\d$")) {
            errors.put(k, v);
          }
        });
    double fivexx = errors.values().stream().mapToDouble(Double::doubleValue).sum();
    System.out.printf(
        "[memory] hub health over the run: %d log lines with OutOfMemoryError (%s), %.0f answers"
            + " 5xx %s%n",
        ooms, log, fivexx, errors);
    if (ooms > 0 || fivexx > 0) {
      System.out.println(
          "[memory] FAILED: the hub ran out of heap or answered 5xx at this -Xmx; its figures"
              + " do not count. Run again with a larger --hub-xmx.");
      throw new IllegalStateException(
          "hub unhealthy at this heap: " + ooms + " OutOfMemoryError lines, " + fivexx + " 5xx");
    }
  }
}
