package dev.flotilla.apiserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flotilla.fixtures.RawHttp;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The set-up of the ITs that speak raw HTTP to a hub (bad input, limits, admission): a hub started
 * with the test class, a namespace of the class's own, one {@link RawHttp} client as the admin,
 * and, where a test wants it, a check after the class that the hub still answers {@code /healthz}
 * (bad input must not have hurt it). Registered with {@code @RegisterExtension}.
 */
final class RawHub implements AfterAllCallback {
  private final TestHub hub;
  private final RawHttp http;
  private boolean healthyAfter;

  private RawHub(TestHub hub, String namespace) {
    this.hub = hub;
    this.http = hub.http();
    HttpResponse<String> created =
        http.send(
            "POST",
            "/api/v1/namespaces",
            "application/json",
            "{\"metadata\":{\"name\":\"" + namespace + "\"}}");
    assertEquals(201, created.statusCode(), created.body());
  }

  /**
   * A hub with namespace {@code namespace}, started when the test class is set up (the field's
   * initializer runs then), closed after it.
   */
  static RawHub withNamespace(String namespace) {
    return new RawHub(TestHub.start(), namespace);
  }

  /** As {@link #withNamespace}, on {@code hub} (e.g. one over a data directory the test reads). */
  static RawHub withNamespace(TestHub hub, String namespace) {
    return new RawHub(hub, namespace);
  }

  /** Also asserts, after the class, that the hub still answers {@code /healthz} with "ok". */
  RawHub healthyAfter() {
    healthyAfter = true;
    return this;
  }

  TestHub hub() {
    return hub;
  }

  RawHttp http() {
    return http;
  }

  @Override
  public void afterAll(ExtensionContext context) {
    try {
      if (healthyAfter) {
        HttpResponse<String> health = http.get("/healthz");
        assertEquals(200, health.statusCode());
        assertEquals("ok", health.body());
      }
    } finally {
      hub.close();
    }
  }
}
