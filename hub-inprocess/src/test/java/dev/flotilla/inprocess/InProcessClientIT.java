package dev.flotilla.inprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flotilla.apiserver.HubConfig;
import dev.flotilla.apiserver.HubServer;
import dev.flotilla.apiserver.rbac.BootstrapPolicy;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.internal.WatchConnectionManager;
import io.fabric8.kubernetes.client.dsl.internal.WatchHTTPManager;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * fabric8 over the in-process path against a real hub: requests are authenticated as the
 * controllers' identity and authorized by RBAC (a removed binding is a 403), watches stream events
 * and end cleanly, informers sync; the admin checks over HTTPS what the in-process client did.
 */
class InProcessClientIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final ObjectMapper JSON = new ObjectMapper();

  private static HubServer hub;
  private static KubernetesClient admin;
  private static InProcessHttpClientFactory factory;
  private static KubernetesClient controller;

  /** The same identity with fabric8's default: watches over a WebSocket. */
  private static KubernetesClient controllerWs;

  @BeforeAll
  static void start() throws Exception {
    hub =
        HubServer.create(HubConfig.of(Files.createTempDirectory("flotilla-inprocess"), 0)).start();
    Config adminConfig =
        new ConfigBuilder()
            .withMasterUrl(hub.url())
            .withCaCertFile(hub.certificateAuthority().caCertPath().toString())
            .withOauthToken(hub.authenticator().adminToken())
            .withRequestTimeout(60_000)
            .build();
    admin = new KubernetesClientBuilder().withConfig(adminConfig).build();
    factory = new InProcessHttpClientFactory(hub::serveInProcess);
    String token = ControllerIdentity.issue(hub);
    controller = inProcess(token, 10, false);
    controllerWs = inProcess(token, 10, true);
  }

  private static KubernetesClient inProcess(String token, int retries) {
    return inProcess(token, retries, false);
  }

  private static KubernetesClient inProcess(String token, int retries, boolean webSocket) {
    Config config =
        new ConfigBuilder()
            .withMasterUrl(hub.url())
            .withOauthToken(token)
            .withOnlyHttpWatches(!webSocket)
            .withRequestRetryBackoffLimit(retries)
            .build();
    return new KubernetesClientBuilder().withConfig(config).withHttpClientFactory(factory).build();
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable c : new AutoCloseable[] {controller, controllerWs, admin, hub}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception ignored) {
        // shutting down
      }
    }
  }

  @Test
  void requestsAreServedInProcessAsTheControllersIdentity() throws Exception {
    long before = factory.served();
    JsonNode review =
        post(controller, "/apis/authentication.k8s.io/v1/selfsubjectreviews", "{}").path("status");
    assertEquals(
        BootstrapPolicy.CONTROLLER_MANAGER, review.path("userInfo").path("username").asText());
    assertTrue(
        review
            .path("userInfo")
            .path("groups")
            .toString()
            .contains(BootstrapPolicy.CONTROLLER_MANAGER_GROUP),
        review.toString());
    String ns = namespace("crud");
    ConfigMap created =
        controller.configMaps().inNamespace(ns).resource(configMap(ns, "a", "1")).create();
    assertNotNull(created.getMetadata().getResourceVersion());
    controller
        .configMaps()
        .inNamespace(ns)
        .withName("a")
        .edit(cm -> new ConfigMapBuilder(cm).addToData("k", "2").build());
    assertEquals("2", admin.configMaps().inNamespace(ns).withName("a").get().getData().get("k"));
    assertEquals(
        1,
        controller
            .configMaps()
            .inNamespace(ns)
            .withoutField("metadata.name", ROOT_CA)
            .list()
            .getItems()
            .size());
    // Validation and its Status come back as over HTTPS.
    KubernetesClientException invalid =
        assertThrows(
            KubernetesClientException.class,
            () ->
                controller
                    .configMaps()
                    .inNamespace(ns)
                    .resource(configMap(ns, "Not_A_Name", "1"))
                    .create());
    assertEquals(422, invalid.getCode(), invalid.getMessage());
    controller.configMaps().inNamespace(ns).withName("a").delete();
    awaitValue(
        "the ConfigMap is gone",
        () -> admin.configMaps().inNamespace(ns).withName("a").get() == null ? true : null);
    assertTrue(factory.served() - before >= 6, "requests went through the in-process factory");
  }

  /**
   * Health endpoints answer in process as over HTTPS (a simulated member's agent probes its
   * member's /readyz in process): ok, the verbose listing, and a 404 for a check that does not
   * exist.
   */
  @Test
  void healthEndpointsAnswerInProcessAsOverHttps() {
    assertEquals("ok", controller.raw("/readyz"));
    assertEquals("ok", controller.raw("/livez"));
    assertEquals(admin.raw("/readyz?verbose"), controller.raw("/readyz?verbose"));
    assertTrue(controller.raw("/readyz?verbose").contains("[+]ping ok"));
    assertNull(controller.raw("/livez/no-such-check"), "a 404 reads as null");
  }

  /**
   * An unpaged list longer than one store batch is streamed over HTTP; in process it arrives whole,
   * every item once.
   */
  @Test
  void anUnpagedListLongerThanABatchArrivesWhole() {
    String ns = namespace("unpaged");
    for (int i = 0; i < 300; i++) {
      admin.configMaps().inNamespace(ns).resource(configMap(ns, "cm-" + i, "v")).create();
    }
    long before = factory.served();
    var names =
        controller.configMaps().inNamespace(ns).list().getItems().stream()
            .map(c -> c.getMetadata().getName())
            .filter(n -> n.startsWith("cm-")) // not the namespace's kube-root-ca.crt
            .toList();
    assertTrue(factory.served() > before, "served in process");
    assertEquals(300, names.size());
    assertEquals(300, names.stream().distinct().count());
  }

  @Test
  void anUnknownTokenIsUnauthorized() {
    try (KubernetesClient stranger = inProcess("not-a-token", 0)) {
      KubernetesClientException e =
          assertThrows(
              KubernetesClientException.class,
              () -> stranger.configMaps().inNamespace("default").list());
      assertEquals(401, e.getCode(), e.getMessage());
    }
  }

  @Test
  void rbacDecidesWhatTheControllersMayDo() throws Exception {
    String ns = namespace("rbac");
    String token = ControllerIdentity.issue(hub);
    try (KubernetesClient once = inProcess(token, 0)) {
      once.configMaps().inNamespace(ns).resource(configMap(ns, "before", "1")).create();
      ClusterRoleBinding binding =
          admin.rbac().clusterRoleBindings().withName(BootstrapPolicy.CONTROLLER_MANAGER).get();
      assertNotNull(binding, "the controllers' identity is bound by a ClusterRoleBinding");
      admin.rbac().clusterRoleBindings().withName(BootstrapPolicy.CONTROLLER_MANAGER).delete();
      try {
        KubernetesClientException denied =
            awaitValue(
                "a 403 for the controllers once their binding is gone",
                () -> {
                  try {
                    once.configMaps()
                        .inNamespace(ns)
                        .resource(configMap(ns, "after-" + System.nanoTime(), "1"))
                        .create();
                    return null;
                  } catch (KubernetesClientException e) {
                    return e.getCode() == 403 ? e : null;
                  }
                });
        assertTrue(
            denied.getMessage().contains(BootstrapPolicy.CONTROLLER_MANAGER), denied.getMessage());
        assertNull(
            admin.configMaps().inNamespace(ns).list().getItems().stream()
                .filter(cm -> cm.getMetadata().getName().startsWith("after-"))
                .findAny()
                .orElse(null),
            "nothing was stored by a denied request");
      } finally {
        binding.getMetadata().setResourceVersion(null);
        binding.getMetadata().setUid(null);
        admin.rbac().clusterRoleBindings().resource(binding).create();
      }
      awaitValue(
          "the controllers allowed again with their binding back",
          () -> {
            try {
              return once.configMaps().inNamespace(ns).list();
            } catch (KubernetesClientException e) {
              return null;
            }
          });
    }
  }

  @ParameterizedTest(name = "webSocket={0}")
  @ValueSource(booleans = {false, true})
  void watchReceivesEventsAndEndsCleanlyOnClose(boolean webSocket) throws Exception {
    KubernetesClient client = webSocket ? controllerWs : controller;
    String ns = namespace("watch");
    BlockingQueue<String> events = new LinkedBlockingQueue<>();
    CountDownLatch closed = new CountDownLatch(1);
    InProcessHttpClient http = (InProcessHttpClient) client.getHttpClient();
    int openBefore = http.streams().size();
    Watch watch =
        client
            .configMaps()
            .inNamespace(ns)
            .withoutField("metadata.name", ROOT_CA)
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, ConfigMap cm) {
                    events.add(action + " " + cm.getMetadata().getName() + " " + cm.getData());
                  }

                  @Override
                  public void onClose() {
                    closed.countDown();
                  }

                  @Override
                  public void onClose(WatcherException cause) {
                    events.add("ERROR " + cause.getMessage());
                    closed.countDown();
                  }
                });
    awaitValue("the watch stream is open", () -> http.streams().size() > openBefore ? true : null);
    // The transport fabric8 chose: no fallback from a refused WebSocket to HTTP streaming.
    assertEquals(
        webSocket ? WatchConnectionManager.class : WatchHTTPManager.class, watch.getClass());
    // Multi-byte characters: each event reaches fabric8 whole (one line, or one message).
    admin.configMaps().inNamespace(ns).resource(configMap(ns, "w", "grüße ✓")).create();
    admin
        .configMaps()
        .inNamespace(ns)
        .withName("w")
        .edit(cm -> new ConfigMapBuilder(cm).addToData("k", "2").build());
    admin.configMaps().inNamespace(ns).withName("w").delete();
    assertEquals("ADDED w {k=grüße ✓}", events.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
    assertEquals("MODIFIED w {k=2}", events.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
    assertEquals("DELETED w {k=2}", events.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
    watch.close();
    assertTrue(closed.await(WAIT.toSeconds(), TimeUnit.SECONDS), "onClose after close()");
    awaitValue("the stream is released", () -> http.streams().size() == openBefore ? true : null);
    awaitValue(
        "the server's watch is closed",
        () -> {
          java.util.regex.Matcher m =
              java.util.regex.Pattern.compile(
                      "(?m)^apiserver_registered_watchers(\\{[^}]*})? (\\S+)$")
                  .matcher(rawGet(admin, "/metrics"));
          return m.find() && Double.parseDouble(m.group(2)) == 0 ? true : null;
        });
    assertNull(events.poll(), "nothing after the close");
  }

  @ParameterizedTest(name = "webSocket={0}")
  @ValueSource(booleans = {false, true})
  void informerListsAndFollowsOverTheInProcessPath(boolean webSocket) throws Exception {
    String ns = namespace("informer");
    admin.configMaps().inNamespace(ns).resource(configMap(ns, "first", "1")).create();
    BlockingQueue<String> seen = new LinkedBlockingQueue<>();
    SharedIndexInformer<ConfigMap> informer =
        (webSocket ? controllerWs : controller)
            .configMaps()
            .inNamespace(ns)
            .withoutField("metadata.name", ROOT_CA)
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(ConfigMap cm) {
                    seen.add("add " + cm.getMetadata().getName());
                  }

                  @Override
                  public void onUpdate(ConfigMap old, ConfigMap cm) {
                    seen.add("update " + cm.getMetadata().getName() + " " + cm.getData().get("k"));
                  }

                  @Override
                  public void onDelete(ConfigMap cm, boolean unknown) {
                    seen.add("delete " + cm.getMetadata().getName());
                  }
                });
    try {
      assertEquals("add first", seen.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
      admin
          .configMaps()
          .inNamespace(ns)
          .withName("first")
          .edit(cm -> new ConfigMapBuilder(cm).addToData("k", "2").build());
      assertEquals("update first 2", seen.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
    } finally {
      informer.close();
    }
  }

  /**
   * A watch the server ends (its timeoutSeconds) is started again by fabric8 from the last
   * resourceVersion it saw: nothing is lost or repeated across the ends.
   */
  @ParameterizedTest(name = "webSocket={0}")
  @ValueSource(booleans = {false, true})
  void aWatchTheServerEndsResumesWhereItWas(boolean webSocket) throws Exception {
    String ns = namespace("resume");
    InProcessHttpClientFactory own = new InProcessHttpClientFactory(hub::serveInProcess);
    Config config =
        new ConfigBuilder()
            .withMasterUrl(hub.url())
            .withOauthToken(ControllerIdentity.issue(hub))
            .withOnlyHttpWatches(!webSocket)
            .withWatchReconnectInterval(10)
            .build();
    try (KubernetesClient client =
        new KubernetesClientBuilder().withConfig(config).withHttpClientFactory(own).build()) {
      Recorder recorder = new Recorder();
      try (Watch watch =
          client
              .configMaps()
              .inNamespace(ns)
              .withoutField("metadata.name", ROOT_CA)
              // Over 2 s: fabric8 takes a watch ended sooner without an event for a 410.
              .watch(new ListOptionsBuilder().withTimeoutSeconds(3L).build(), recorder)) {
        admin.configMaps().inNamespace(ns).resource(configMap(ns, "a", "1")).create();
        assertEquals("ADDED a", recorder.events.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
        long served = own.served();
        awaitValue(
            "the server ended the watch twice and fabric8 watched again",
            () -> own.served() >= served + 2 ? true : null);
        admin.configMaps().inNamespace(ns).resource(configMap(ns, "b", "1")).create();
        assertEquals("ADDED b", recorder.events.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertNull(recorder.closed.getNow(null), "the watch is still open");
      }
      assertNull(recorder.events.poll(), "nothing repeated: " + recorder.events);
    }
  }

  /** A watch from a compacted resourceVersion is closed with 410 Gone, over either transport. */
  @ParameterizedTest(name = "webSocket={0}")
  @ValueSource(booleans = {false, true})
  void aCompactedResourceVersionIsGone(boolean webSocket) throws Exception {
    String ns = namespace("gone");
    ConfigMap first =
        admin.configMaps().inNamespace(ns).resource(configMap(ns, "old", "1")).create();
    admin.configMaps().inNamespace(ns).withName("old").edit(cm -> configMap(ns, "old", "2"));
    long current = hub.storage().store().currentRevision();
    hub.storage().store().compact(current);
    Recorder recorder = new Recorder();
    try (Watch ignored =
        (webSocket ? controllerWs : controller)
            .configMaps()
            .inNamespace(ns)
            .watch(
                new ListOptionsBuilder()
                    .withResourceVersion(first.getMetadata().getResourceVersion())
                    .build(),
                recorder)) {
      WatcherException cause = recorder.closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertTrue(cause.isHttpGone(), "410 Gone expected, got " + cause);
      // The server's own 410, not fabric8's guess from a watch that ended early and empty.
      assertTrue(
          String.valueOf(cause.getMessage()).contains("too old resource version"),
          "the server's 410 Status expected, got " + cause);
    }
    assertTrue(recorder.events.isEmpty(), "no events: " + recorder.events);
  }

  /**
   * A WebSocket watch the server refuses fails at once with the server's Status, as a refused
   * upgrade over HTTPS does (fabric8's HTTP watch instead retries a refused stream in the
   * background).
   */
  @Test
  void aRefusedWebSocketWatchFailsWithTheServersStatus() {
    try (KubernetesClient stranger = inProcess("not-a-token", 0, true)) {
      KubernetesClientException e =
          assertThrows(
              KubernetesClientException.class,
              () -> stranger.configMaps().inNamespace("default").watch(new Recorder()).close());
      assertEquals(401, e.getCode(), e.getMessage());
    }
  }

  /** A watcher's record: events as "ACTION name", and how it was closed. */
  private static final class Recorder implements Watcher<ConfigMap> {
    final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    final CompletableFuture<WatcherException> closed = new CompletableFuture<>();

    @Override
    public void eventReceived(Action action, ConfigMap cm) {
      events.add(action + " " + cm.getMetadata().getName());
    }

    @Override
    public void onClose(WatcherException cause) {
      closed.complete(cause);
    }

    @Override
    public void onClose() {
      closed.complete(null);
    }
  }

  // ---- helpers ----

  /** The hub's own ConfigMap in every namespace, left out where the test counts its own. */
  private static final String ROOT_CA = "kube-root-ca.crt";

  private static String namespace(String base) {
    String name = base + "-" + Long.toHexString(System.nanoTime());
    try {
      admin
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
          .create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) { // a retried create on a slow machine
        throw e;
      }
    }
    return name;
  }

  private static ConfigMap configMap(String ns, String name, String value) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(ns)
        .endMetadata()
        .withData(Map.of("k", value))
        .build();
  }

  private static JsonNode post(KubernetesClient client, String path, String body) throws Exception {
    HttpClient http = client.getHttpClient();
    HttpResponse<String> response =
        http.sendAsync(
                http.newHttpRequestBuilder()
                    .uri(hub.url() + path)
                    .post("application/json", body)
                    .build(),
                String.class)
            .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertEquals(201, response.code(), response.body());
    return JSON.readTree(response.body());
  }

  private static String rawGet(KubernetesClient client, String path) {
    return client.raw(hub.url() + path);
  }

  private static <T> T awaitValue(String what, Supplier<T> probe) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      T value = probe.get();
      if (value != null) {
        return value;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("timed out waiting until " + what);
  }
}
