package dev.flotilla.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.flotilla.agent.kube.SharedJdkTransport;
import dev.flotilla.apiserver.HubConfig;
import dev.flotilla.apiserver.HubServer;
import dev.flotilla.fixtures.Await;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Many fabric8 clients over one shared JDK HTTP client (the simulated fleet's economy): each keeps
 * its own server and token, watches run as HTTP/2 streams, and a server whose CA the transport was
 * not given is refused.
 */
class SharedTransportIT {
  private static HubServer a;
  private static HubServer b;

  @BeforeAll
  static void start() throws Exception {
    a = http2Server("shared-a");
    b = http2Server("shared-b");
  }

  @AfterAll
  static void stop() {
    if (a != null) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
  }

  private static HubServer http2Server(String name) throws Exception {
    Path dir = Files.createTempDirectory(name);
    HubConfig config = new HubConfig(dir, "127.0.0.1", 0, Optional.empty(), List.of(), false);
    return HubServer.create(config, new HubServer.Hosting(null, true, true)).start();
  }

  private static String ca(HubServer server) throws Exception {
    return Files.readString(server.certificateAuthority().caCertPath());
  }

  private static KubernetesClient client(
      SharedJdkTransport transport, HubServer server, String token) {
    return transport
        .builder()
        .withConfig(
            new ConfigBuilder()
                .withMasterUrl(server.url())
                .withOauthToken(token)
                .withRequestTimeout(30_000)
                .withOnlyHttpWatches(true)
                .build())
        .build();
  }

  @Test
  void clientsOfTwoServersShareOneTransportAndWatchOverHttp2() throws Exception {
    SharedJdkTransport transport = SharedJdkTransport.trusting(List.of(ca(a), ca(b)));
    HttpResponse<String> probe =
        transport
            .httpClient()
            .send(
                HttpRequest.newBuilder(URI.create(a.url() + "/readyz")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(java.net.http.HttpClient.Version.HTTP_2, probe.version());
    try (KubernetesClient toA = client(transport, a, a.authenticator().adminToken());
        KubernetesClient toB = client(transport, b, b.authenticator().adminToken())) {
      Set<String> seenA = ConcurrentHashMap.newKeySet();
      Set<String> seenB = ConcurrentHashMap.newKeySet();
      try (Watch wa = toA.configMaps().inNamespace("default").watch(recorder(seenA));
          Watch wb = toB.configMaps().inNamespace("default").watch(recorder(seenB))) {
        toA.configMaps().inNamespace("default").resource(configMap("only-in-a")).create();
        toB.configMaps().inNamespace("default").resource(configMap("only-in-b")).create();
        Await.until(
            "each watch sees its own server's create", () -> seenA, s -> s.contains("only-in-a"));
        Await.until(
            "each watch sees its own server's create", () -> seenB, s -> s.contains("only-in-b"));
      }
      assertEquals(
          null,
          toA.configMaps().inNamespace("default").withName("only-in-b").get(),
          "servers mixed");
      // Tokens stay per client: the same transport with a token B does not know is refused by B.
      try (KubernetesClient stranger = client(transport, b, "not-a-token")) {
        KubernetesClientException e =
            assertThrows(
                KubernetesClientException.class,
                () -> stranger.configMaps().inNamespace("default").list());
        assertEquals(401, e.getCode());
      }
    }
  }

  @Test
  void aServerWhoseCaWasNotGivenIsRefused() throws Exception {
    SharedJdkTransport onlyA = SharedJdkTransport.trusting(List.of(ca(a)));
    try (KubernetesClient toB = client(onlyA, b, b.authenticator().adminToken())) {
      KubernetesClientException e =
          assertThrows(
              KubernetesClientException.class,
              () -> toB.configMaps().inNamespace("default").list());
      assertEquals(javax.net.ssl.SSLHandshakeException.class, rootSsl(e));
    }
  }

  private static Class<?> rootSsl(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof javax.net.ssl.SSLHandshakeException) {
        return c.getClass();
      }
    }
    return t.getClass();
  }

  private static ConfigMap configMap(String name) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .addToData("k", "v")
        .build();
  }

  private static Watcher<ConfigMap> recorder(Set<String> seen) {
    return new Watcher<>() {
      @Override
      public void eventReceived(Action action, ConfigMap resource) {
        seen.add(resource.getMetadata().getName());
      }

      @Override
      public void onClose(WatcherException cause) {}
    };
  }
}
