package dev.flotilla.cli;

import dev.flotilla.apiserver.HubServer;
import dev.flotilla.apiserver.auth.UserInfo;
import dev.flotilla.apiserver.http.ExtensionHandler;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;

/**
 * {@code GET /metrics/controllers} on the hub: the controllers' workqueue metrics (client-go's
 * names: {@code workqueue_queue_duration_seconds}, {@code workqueue_work_duration_seconds}, {@code
 * workqueue_retries_total}, per controller {@code name}), as kube-controller-manager serves them on
 * its own /metrics. Readable by hub administrators ({@code system:masters}).
 */
public final class ControllerMetricsEndpoint implements ExtensionHandler, AutoCloseable {
  public static final String PATH = "/metrics/controllers";

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  private ControllerMetricsEndpoint() {
    Metrics.addRegistry(registry);
  }

  /** Collects what the controllers record from now on and serves it on {@code hub}. */
  public static ControllerMetricsEndpoint install(HubServer hub) {
    ControllerMetricsEndpoint endpoint = new ControllerMetricsEndpoint();
    hub.addNonResourceHandler(PATH, endpoint);
    return endpoint;
  }

  @Override
  public void handle(HttpServerRequest http, UserInfo user) {
    if (!user.groups().contains("system:masters")) {
      http.response()
          .setStatusCode(403)
          .putHeader("Content-Type", "application/json")
          .end(
              "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                  + "\"message\":\"forbidden: "
                  + PATH
                  + " is readable by system:masters only\",\"reason\":\"Forbidden\","
                  + "\"code\":403}");
      return;
    }
    // A scrape renders every histogram: off the event loop.
    Vertx.currentContext()
        .owner()
        .executeBlocking(registry::scrape)
        .onComplete(
            r -> {
              if (r.succeeded()) {
                http.response()
                    .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                    .end(r.result());
              } else {
                http.response().setStatusCode(500).end(String.valueOf(r.cause()));
              }
            });
  }

  @Override
  public void close() {
    Metrics.removeRegistry(registry);
    registry.close();
  }
}
