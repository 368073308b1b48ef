package dev.flotilla.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Fuzz: bad requests (see {@link BadRequests}) against a hub with data in it. Every one gets an
 * answer below 500 within 10 s, and the store is the same object for object, resourceVersion for
 * resourceVersion, afterwards. jqwik prints the seed of every run; a failing seed is replayed first
 * on the next run (from .jqwik-database), or pin it with {@code @Property(seed = "...")}. Tries:
 * 1,000 in the short form, 10,000 in the long ({@code jqwik.tries.default}, set by the build).
 */
class FuzzIT {
  static final Duration HANG = Duration.ofSeconds(10);

  private static FuzzFixture fixture;
  private static Map<String, String> before;
  private static long revision;
  private static final Map<Integer, AtomicInteger> byStatus = new TreeMap<>();

  @BeforeContainer
  static void start() throws Exception {
    fixture = FuzzFixture.start();
    before = StoreSnapshot.take(fixture.hub);
    revision = revision();
  }

  /** The store's revision: a list's resourceVersion. */
  private static long revision() throws Exception {
    return new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(fixture.hub.get("/api/v1/namespaces?limit=1"))
        .path("metadata")
        .path("resourceVersion")
        .asLong();
  }

  @Property(shrinking = net.jqwik.api.ShrinkingMode.BOUNDED)
  void badRequestsGetA4xxInTimeAndChangeNothing(@ForAll("requests") BadRequests.Request request)
      throws Exception {
    RawHttps.Response r =
        fixture.hub.send(
            request.method(), request.target(), request.contentType(), request.body(), HANG);
    synchronized (byStatus) {
      byStatus.computeIfAbsent(r.status(), s -> new AtomicInteger()).incrementAndGet();
    }
    assertTrue(
        r.status() != -1,
        "no answer within " + HANG + " (a hang), machine load " + load() + ": " + request);
    assertTrue(r.status() != 0, "connection closed without an answer: " + request);
    assertTrue(r.status() < 500, "answered " + r.status() + " " + r.text() + "\n to " + request);
    // Whatever the answer, nothing may have been written: this request, not a later snapshot,
    // is then the failing sample, and jqwik shrinks it.
    long now = revision();
    long was = revision;
    revision = now; // so that later samples, and shrinking, are judged on their own
    assertEquals(
        was,
        now,
        "the store was written (answered " + r.status() + " " + r.text() + ") by " + request);
  }

  /** The machine's load averages, shown with a hang: the verdict stands, the figure explains. */
  private static String load() {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  @Provide
  Arbitrary<BadRequests.Request> requests() {
    return BadRequests.requests();
  }

  @AfterContainer
  static void storeUnchanged() throws Exception {
    try {
      Map<String, String> after = StoreSnapshot.take(fixture.hub);
      int total = byStatus.values().stream().mapToInt(AtomicInteger::get).sum();
      int fives =
          byStatus.entrySet().stream()
              .filter(e -> e.getKey() >= 500)
              .mapToInt(e -> e.getValue().get())
              .sum();
      System.out.printf(
          "RELIABILITY fuzz (%s): %d requests, answers by status %s, 5xx %d, hangs over %d s %d,"
              + " objects compared %d, changed %d%n",
          Form.name(),
          total,
          byStatus,
          fives,
          HANG.toSeconds(),
          byStatus.getOrDefault(-1, new AtomicInteger()).get(),
          before.size(),
          StoreSnapshot.diff(before, after).size());
      assertEquals(Map.of(), StoreSnapshot.diff(before, after), "the store changed");
    } finally {
      fixture.close();
    }
  }
}
