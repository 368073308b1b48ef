package dev.flotilla.apiserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.fixtures.RawHttp;
import java.net.http.HttpResponse;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /readyz}, {@code /livez} and {@code /healthz} over HTTPS as kube-apiserver answers them,
 * with a readiness check plugged in by the embedding process (as the launcher plugs in the
 * controllers' leadership): plain "ok", the verbose list, the 500 body that withholds the reason,
 * the check's own path that gives it, exclusion, and liveness that never depends on readiness.
 * Probes send no token, as kubelets and load balancers do.
 */
class HealthEndpointsIT {
  private static final AtomicReference<String> failure = new AtomicReference<>();
  private static TestHub hub;
  private static RawHttp http;

  @BeforeAll
  static void start() {
    hub = TestHub.start();
    hub.server().addReadinessCheck("controllers", () -> Optional.ofNullable(failure.get()));
    http = hub.http();
  }

  @AfterAll
  static void stop() {
    if (hub != null) {
      hub.close();
    }
  }

  private static HttpResponse<String> probe(String path) {
    return http.send("GET", path, null, (byte[]) null, null);
  }

  private static void assertAnswer(String path, int code, String body) {
    HttpResponse<String> r = probe(path);
    assertEquals(code, r.statusCode(), path + ": " + r.body());
    assertEquals(body, r.body(), path);
    assertTrue(
        r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"),
        path + " is text/plain");
  }

  @Test
  void readyWhileEveryCheckPasses() {
    failure.set(null);
    assertAnswer("/readyz", 200, "ok");
    assertAnswer("/readyz?verbose", 200, "[+]ping ok\n[+]controllers ok\nreadyz check passed\n");
    assertAnswer("/readyz/controllers", 200, "ok");
    assertAnswer("/readyz/ping", 200, "ok");
  }

  @Test
  void notReadyListsTheFailingCheckAndWithholdsTheReason() {
    failure.set("this replica does not lead and knows no live leader");
    try {
      String list = "[+]ping ok\n[-]controllers failed: reason withheld\nreadyz check failed\n";
      assertAnswer("/readyz", 500, list);
      assertAnswer("/readyz?verbose", 500, list);
      assertAnswer(
          "/readyz/controllers",
          500,
          "internal server error: this replica does not lead and knows no live leader\n");
      assertAnswer(
          "/readyz?exclude=controllers&verbose",
          200,
          "[+]ping ok\n[+]controllers excluded: ok\nreadyz check passed\n");
      assertAnswer("/readyz?exclude=controllers", 200, "ok");
      // Liveness never depends on readiness: a standby or a replica between leaderships must not
      // be restarted for it.
      assertAnswer("/livez", 200, "ok");
      assertAnswer("/healthz", 200, "ok");
      assertAnswer("/livez?verbose", 200, "[+]ping ok\nlivez check passed\n");
      assertAnswer("/healthz?verbose", 200, "[+]ping ok\nhealthz check passed\n");
    } finally {
      failure.set(null);
    }
  }

  @Test
  void unknownChecksAreNotFound() {
    assertAnswer("/readyz/nosuch", 404, "404 page not found\n");
    assertAnswer("/livez/controllers", 404, "404 page not found\n");
    assertAnswer(
        "/readyz?exclude=nosuch&verbose",
        200,
        "[+]ping ok\n[+]controllers ok\nwarn: some health checks cannot be excluded: no matches"
            + " for \"nosuch\"\nreadyz check passed\n");
  }
}
