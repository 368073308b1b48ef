package dev.flotilla.apiserver.it;

import static dev.flotilla.apiserver.it.Fabric8Support.WAIT;
import static dev.flotilla.apiserver.it.Fabric8Support.configMap;
import static dev.flotilla.apiserver.it.Fabric8Support.newNamespace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.http.WebSocket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Watch events arrive over fabric8's default watch (WebSocket), HTTP streaming and raw WebSocket.
 */
class Fabric8WatchTransportIT {
  private static TestHub hub;

  @BeforeAll
  static void start() {
    hub = TestHub.start();
  }

  @AfterAll
  static void stop() {
    hub.close();
  }

  /** Queues "ACTION name data.v" for every non-bookmark event. */
  private static final class Queue implements Watcher<ConfigMap> {
    final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    volatile WatcherException closedWith;

    @Override
    public void eventReceived(Action action, ConfigMap cm) {
      // The published CA in every namespace is not part of what these tests write.
      if (action != Action.BOOKMARK && !cm.getMetadata().getName().equals("kube-root-ca.crt")) {
        String v = cm.getData() == null ? "-" : cm.getData().getOrDefault("v", "-");
        events.add(action + " " + cm.getMetadata().getName() + " " + v);
      }
    }

    @Override
    public void onClose(WatcherException cause) {
      closedWith = cause;
    }

    List<String> take(int n) throws InterruptedException {
      List<String> out = new ArrayList<>();
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (out.size() < n) {
        String e = events.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (e == null) {
          fail(
              "only "
                  + out
                  + " of "
                  + n
                  + " events within "
                  + WAIT.toSeconds()
                  + "s"
                  + (closedWith == null ? "" : "; watch closed: " + closedWith));
        }
        out.add(e);
      }
      return out;
    }
  }

  private static void watchSeesChanges(KubernetesClient client) throws Exception {
    String ns = newNamespace(client, "watch-transport");
    var cms = client.configMaps().inNamespace(ns);
    cms.resource(configMap("before", Map.of("w", "yes"), Map.of("v", "0"))).create();

    Queue all = new Queue();
    Queue labelled = new Queue();
    try (Watch w = cms.watch(all);
        Watch l = cms.withLabel("w", "yes").watch(labelled)) {
      cms.resource(configMap("cm", Map.of("w", "yes"), Map.of("v", "1"))).create();
      cms.withName("cm")
          .edit(
              cm -> {
                cm.getData().put("v", "2");
                return cm;
              });
      cms.resource(configMap("other", Map.of("w", "no"), Map.of("v", "1"))).create();
      cms.withName("cm").delete();
      // Leaving and entering a label selection looks like DELETED and ADDED to that watch.
      cms.withName("before")
          .edit(
              cm -> {
                cm.getMetadata().getLabels().put("w", "no");
                return cm;
              });
      cms.withName("other")
          .edit(
              cm -> {
                cm.getMetadata().getLabels().put("w", "yes");
                return cm;
              });
      cms.resource(configMap("end", Map.of("w", "yes"), Map.of())).create();

      // Without a resourceVersion the watch starts with the current state as ADDED events.
      assertEquals(
          List.of(
              "ADDED before 0",
              "ADDED cm 1",
              "MODIFIED cm 2",
              "ADDED other 1",
              "DELETED cm 2",
              "MODIFIED before 0",
              "MODIFIED other 1",
              "ADDED end -"),
          all.take(8));
      assertEquals(
          List.of(
              "ADDED before 0",
              "ADDED cm 1",
              "MODIFIED cm 2",
              "DELETED cm 2",
              "DELETED before 0",
              "ADDED other 1",
              "ADDED end -"),
          labelled.take(7),
          "a label-selected watch sees objects enter and leave its selection");
    }
    assertTrue(all.events.isEmpty(), "no more events: " + all.events);
    assertNull(all.closedWith, "closed with an error");
  }

  /** A watch on an empty collection is established at once (headers are not held back). */
  private static void watchOnEmptyCollection(KubernetesClient client) throws Exception {
    String ns = newNamespace(client, "watch-empty");
    var cms = client.configMaps().inNamespace(ns);
    Queue q = new Queue();
    CompletableFuture<Watch> started = CompletableFuture.supplyAsync(() -> cms.watch(q));
    try (Watch w = started.get(WAIT.toSeconds(), TimeUnit.SECONDS)) {
      cms.resource(configMap("first", Map.of(), Map.of("v", "1"))).create();
      assertEquals(List.of("ADDED first 1"), q.take(1));
    }
  }

  @Test
  void defaultWatch() throws Exception {
    try (KubernetesClient client = Fabric8Support.client(hub, hub.adminToken(), b -> b)) {
      assertFalse(client.getConfiguration().isOnlyHttpWatches(), "default: WebSocket watches");
      watchSeesChanges(client);
      watchOnEmptyCollection(client);
    }
  }

  @Test
  void httpStreamingWatch() throws Exception {
    try (KubernetesClient client =
        Fabric8Support.client(hub, hub.adminToken(), b -> b.withOnlyHttpWatches(true))) {
      assertTrue(client.getConfiguration().isOnlyHttpWatches());
      watchSeesChanges(client);
      watchOnEmptyCollection(client);
    }
  }

  @Test
  void rawWebSocketWatch() throws Exception {
    try (KubernetesClient client = Fabric8Support.client(hub, hub.adminToken(), b -> b)) {
      String ns = newNamespace(client, "watch-ws");
      // The hub publishes kube-root-ca.crt into every new namespace; the watch starts after it,
      // so its first frame is the create below.
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (client.configMaps().inNamespace(ns).withName("kube-root-ca.crt").get() == null) {
        assertTrue(System.nanoTime() < deadline, "kube-root-ca.crt published in " + ns);
        Thread.sleep(50);
      }
      String rv = client.configMaps().inNamespace(ns).list().getMetadata().getResourceVersion();
      URI uri =
          WebSocket.toWebSocketUri(
              URI.create(
                  hub.url()
                      + "/api/v1/namespaces/"
                      + ns
                      + "/configmaps?watch=true&resourceVersion="
                      + rv));
      BlockingQueue<String> frames = new LinkedBlockingQueue<>();
      WebSocket ws =
          client
              .getHttpClient()
              .newWebSocketBuilder()
              .uri(uri)
              .buildAsync(
                  new WebSocket.Listener() {
                    @Override
                    public void onOpen(WebSocket socket) {
                      socket.request();
                    }

                    @Override
                    public void onMessage(WebSocket socket, String text) {
                      frames.add(text);
                      socket.request();
                    }
                  })
              .get(WAIT.toSeconds(), TimeUnit.SECONDS);
      try {
        client
            .configMaps()
            .inNamespace(ns)
            .resource(configMap("framed", Map.of(), Map.of()))
            .create();
        String frame = frames.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(frame, "a WebSocket frame for the create");
        JsonNode event = Fabric8Support.JSON.readTree(frame);
        assertEquals("ADDED", event.path("type").asText(), frame);
        assertEquals("framed", event.path("object").path("metadata").path("name").asText(), frame);
      } finally {
        ws.sendClose(1000, "done");
      }
    }
  }
}
