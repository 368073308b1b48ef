package dev.flotilla.agent;

import io.fabric8.kubernetes.client.RequestConfigBuilder;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * While the agent is away from the first listed hub replica, asks the replicas listed before the
 * one in use for {@code /readyz} every {@link #INTERVAL} and moves back to the first that answers
 * 200. It uses the agent's own HTTP client (its credential and CA) without the replica rewriting,
 * and no retries, so a replica still down costs one short request. It stops when the client closes.
 */
final class ReplicaProbe {
  /** How often the agent looks whether a preferred replica is back. */
  static final Duration INTERVAL = Duration.ofSeconds(10);

  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  // One thread for every agent of the process: a probe is one short request, made rarely.
  private static final ScheduledExecutorService PROBES =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "hub-replica-probe");
            t.setDaemon(true);
            return t;
          });

  private ReplicaProbe() {}

  /** Starts probing for {@code replicas} with {@code client}'s credentials until it closes. */
  static void start(HubReplicas replicas, HttpClient client) {
    HttpClient direct =
        client
            .newBuilder()
            .addOrReplaceInterceptor(HubReplicas.NAME, null)
            .tag(new RequestConfigBuilder().withRequestRetryBackoffLimit(0).build())
            .build();
    AtomicReference<ScheduledFuture<?>> task = new AtomicReference<>();
    task.set(
        PROBES.scheduleWithFixedDelay(
            () -> {
              if (client.isClosed()) {
                direct.close();
                task.get().cancel(false);
                return;
              }
              if (replicas.index() > 0) {
                replicas.preferReady(i -> ready(direct, replicas.servers().get(i)));
              }
            },
            INTERVAL.toMillis(),
            INTERVAL.toMillis(),
            TimeUnit.MILLISECONDS));
  }

  /** True when {@code server} answers {@code GET /readyz} with 200 in time. */
  static boolean ready(HttpClient direct, URI server) {
    try {
      HttpResponse<String> r =
          direct
              .sendAsync(
                  direct
                      .newHttpRequestBuilder()
                      .uri(HubReplicas.onServer(URI.create("/readyz"), server))
                      .build(),
                  String.class)
              .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      return r.code() == 200;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (Exception e) {
      return false; // unreachable or too slow: not back yet
    }
  }
}
