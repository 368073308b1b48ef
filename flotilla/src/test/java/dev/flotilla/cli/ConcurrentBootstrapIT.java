package dev.flotilla.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.apiserver.HubConfig;
import dev.flotilla.apiserver.HubServer;
import dev.flotilla.store.etcd.EtcdConnection;
import dev.flotilla.store.etcd.EtcdStore;
import dev.flotilla.store.etcd.LocalEtcd;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two replicas starting at the same moment on an empty etcd prefix both write the default RBAC
 * policy and aggregate the default roles. A user with no rights but the defaults' (discovery, its
 * own identity, metrics as {@code system:monitoring}) asks both replicas continuously from the
 * moment either serves: none of those requests is refused, while a request outside the defaults is
 * (so the check can see a 403). At the end both replicas serve the same default objects, none of
 * which was deleted and written again.
 */
class ConcurrentBootstrapIT {
  private static final String TOKEN = "watcher-token-0123456789";
  private static final int ROUNDS = 3;

  @TempDir Path tmp;

  @Test
  void replicasStartingTogetherNeverDenyWhatTheDefaultPolicyAllows() throws Exception {
    EtcdHubIT.requireEtcd();
    Path tokens = tmp.resolve("tokens.csv");
    Files.writeString(tokens, TOKEN + ",watcher,watcher-uid,\"system:monitoring\"\n");
    try (LocalEtcd etcd = LocalEtcd.start(tmp.resolve("etcd"), 1)) {
      for (int round = 1; round <= ROUNDS; round++) {
        EtcdConnection connection = etcd.connection("/bootstrap-" + round);
        List<Integer> ports = List.of(freePort(), freePort());
        Prober prober = new Prober(ports);
        Thread probing = new Thread(prober, "prober-" + round);
        probing.start();
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<HubServer>> starting = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
          starting.add(start(go, tmp.resolve(round + "-" + i), ports.get(i), tokens, connection));
        }
        go.countDown();
        try (HubServer a = starting.get(0).get(300, TimeUnit.SECONDS);
            HubServer b = starting.get(1).get(300, TimeUnit.SECONDS);
            KubernetesClient viaA = HubClients.admin(a);
            KubernetesClient viaB = HubClients.admin(b)) {
          // Keep asking while both replicas' start-up aggregation settles.
          Map<String, String> firstSeen = uids(viaA);
          prober.awaitRounds(20);
          prober.stop();
          probing.join(TimeUnit.MINUTES.toMillis(2));
          String line = "round " + round + ": " + prober.line();
          System.out.println("concurrent bootstrap " + line);
          assertEquals(0, prober.wrongful.get(), "defaults refused: " + line);
          assertTrue(
              prober.rightful.get() > 0, "a request outside the defaults is refused: " + line);

          Map<String, String> viaAObjects = uids(viaA);
          assertEquals(viaAObjects, uids(viaB), "both replicas serve the same default objects");
          for (Map.Entry<String, String> e : firstSeen.entrySet()) {
            assertEquals(
                e.getValue(),
                viaAObjects.get(e.getKey()),
                e.getKey() + " was deleted and recreated");
          }
          for (String aggregated : List.of("admin", "edit", "view")) {
            ClusterRole ra = viaA.rbac().clusterRoles().withName(aggregated).get();
            ClusterRole rb = viaB.rbac().clusterRoles().withName(aggregated).get();
            assertTrue(!ra.getRules().isEmpty(), aggregated + " aggregated its rules");
            assertEquals(ra.getRules(), rb.getRules(), aggregated);
          }
        }
      }
    }
  }

  private static CompletableFuture<HubServer> start(
      CountDownLatch go, Path dir, int port, Path tokens, EtcdConnection connection) {
    HubConfig config = new HubConfig(dir, "127.0.0.1", port, Optional.of(tokens), List.of(), true);
    return ConcurrentHubStartIT.startingTogether(
        go,
        "start-" + dir.getFileName(),
        () ->
            HubServer.create(
                    config, new HubServer.Hosting(null, false, t -> EtcdStore.open(connection, t)))
                .start());
  }

  /** Name -> uid (and resourceVersion) of every ClusterRole and ClusterRoleBinding. */
  private static Map<String, String> uids(KubernetesClient client) {
    Map<String, String> out = new TreeMap<>();
    List<HasMetadata> all = new ArrayList<>();
    all.addAll(client.rbac().clusterRoles().list().getItems());
    all.addAll(client.rbac().clusterRoleBindings().list().getItems());
    for (HasMetadata o : all) {
      out.put(o.getKind() + "/" + o.getMetadata().getName(), o.getMetadata().getUid());
    }
    return out;
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Asks both replicas, as the non-admin user, what the default policy allows and one more. */
  private static final class Prober implements Runnable {
    private static final Map<String, Integer> ALLOWED =
        Map.of("/apis", 200, "/api", 200, "/version", 200, "/metrics", 200);
    private static final String REVIEWS = "/apis/authentication.k8s.io/v1/selfsubjectreviews";
    private static final String OUTSIDE = "/api/v1/namespaces/default/configmaps";

    private final List<Integer> ports;
    private final AtomicBoolean running = new AtomicBoolean(true);
    final AtomicInteger wrongful = new AtomicInteger();
    final AtomicInteger rightful = new AtomicInteger();
    final AtomicInteger answered = new AtomicInteger();
    final AtomicInteger rounds = new AtomicInteger();
    final Map<String, Integer> odd = new ConcurrentHashMap<>();

    Prober(List<Integer> ports) {
      this.ports = ports;
    }

    @Override
    public void run() {
      try (KubernetesClient client =
          new KubernetesClientBuilder()
              .withConfig(
                  new ConfigBuilder()
                      .withMasterUrl("https://127.0.0.1:" + ports.get(0))
                      .withTrustCerts(true)
                      .withOauthToken(TOKEN)
                      .withRequestRetryBackoffLimit(0)
                      .build())
              .build()) {
        HttpClient http = client.getHttpClient();
        while (running.get()) {
          for (int port : ports) {
            String base = "https://127.0.0.1:" + port;
            ALLOWED.forEach((path, code) -> ask(http, get(http, base + path), code));
            ask(
                http,
                http.newHttpRequestBuilder()
                    .uri(URI.create(base + REVIEWS))
                    .post(
                        "application/json",
                        "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"SelfSubjectReview\"}")
                    .build(),
                201);
            Integer outside = code(http, get(http, base + OUTSIDE));
            if (outside != null && outside == 403) {
              rightful.incrementAndGet();
            }
          }
          rounds.incrementAndGet();
        }
      }
    }

    private static HttpRequest get(HttpClient http, String uri) {
      return http.newHttpRequestBuilder().uri(URI.create(uri)).build();
    }

    private void ask(HttpClient http, HttpRequest request, int expected) {
      Integer code = code(http, request);
      if (code == null) {
        return; // not serving yet
      }
      answered.incrementAndGet();
      if (code == 403) {
        wrongful.incrementAndGet();
      }
      if (code != expected) {
        odd.merge(request.uri().getPath() + " " + code, 1, Integer::sum);
      }
    }

    private static Integer code(HttpClient http, HttpRequest request) {
      try {
        return http.sendAsync(request, String.class).get(30, TimeUnit.SECONDS).code();
      } catch (Exception e) {
        return null;
      }
    }

    void awaitRounds(int more) throws InterruptedException {
      int target = rounds.get() + more;
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
      while (rounds.get() < target && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
    }

    void stop() {
      running.set(false);
    }

    String line() {
      return answered.get()
          + " answers to allowed requests, "
          + wrongful.get()
          + " refused; "
          + rightful.get()
          + " refusals outside the defaults; other answers: "
          + odd.entrySet().stream()
              .map(e -> e.getKey() + " x" + e.getValue())
              .collect(Collectors.joining(", "));
    }
  }
}
