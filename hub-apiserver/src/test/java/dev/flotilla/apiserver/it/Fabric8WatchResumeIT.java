package dev.flotilla.apiserver.it;

import static dev.flotilla.apiserver.it.Fabric8Support.WAIT;
import static dev.flotilla.apiserver.it.Fabric8Support.configMap;
import static dev.flotilla.apiserver.it.Fabric8Support.newNamespace;
import static dev.flotilla.apiserver.it.Fabric8Support.raw;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
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

/** Watches resumed from a resourceVersion, and 410 Gone for compacted ones. */
class Fabric8WatchResumeIT {
  private static TestHub hub;
  private static KubernetesClient client;

  @BeforeAll
  static void start() {
    hub = TestHub.start();
    client = hub.client();
  }

  @AfterAll
  static void stop() {
    client.close();
    hub.close();
  }

  /** What a watcher saw: "TYPE name@rv" strings, and how it was closed. */
  private static final class Recorder implements Watcher<ConfigMap> {
    final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    final List<Long> revisions = new ArrayList<>();
    final CompletableFuture<WatcherException> closed = new CompletableFuture<>();

    @Override
    public void eventReceived(Action action, ConfigMap cm) {
      if (action == Action.BOOKMARK) {
        return;
      }
      synchronized (revisions) {
        revisions.add(cm == null ? -1 : Long.parseLong(cm.getMetadata().getResourceVersion()));
      }
      events.add(action + " " + (cm == null ? "?" : cm.getMetadata().getName()));
    }

    @Override
    public void onClose(WatcherException cause) {
      closed.complete(cause);
    }

    @Override
    public void onClose() {
      closed.complete(null);
    }

    /** Events up to and including {@code last}; fails if it does not arrive in time. */
    List<String> until(String last) throws InterruptedException {
      List<String> seen = new ArrayList<>();
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (seen.isEmpty() || !seen.get(seen.size() - 1).equals(last)) {
        String e = events.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (e == null) {
          fail("no \"" + last + "\" within " + WAIT.toSeconds() + "s; saw " + seen);
        }
        seen.add(e);
      }
      return seen;
    }
  }

  private static long rv(ConfigMap cm) {
    return Long.parseLong(cm.getMetadata().getResourceVersion());
  }

  @Test
  void resumesAfterTheGivenResourceVersion() throws Exception {
    String ns = newNamespace(client, "watch-resume");
    var cms = client.configMaps().inNamespace(ns);
    cms.resource(configMap("a", Map.of(), Map.of("v", "1"))).create();
    ConfigMap b = cms.resource(configMap("b", Map.of(), Map.of("v", "1"))).create();
    long n = rv(b);
    // Changes after N, made before the watch starts: they come from history.
    cms.withName("a")
        .edit(
            cm -> {
              cm.getData().put("v", "2");
              return cm;
            });
    cms.resource(configMap("c", Map.of(), Map.of())).create();
    cms.withName("b").delete();

    Recorder recorder = new Recorder();
    try (Watch w =
        cms.watch(
            new ListOptionsBuilder().withResourceVersion(Long.toString(n)).build(), recorder)) {
      // A change after the watch started: it comes live, and marks the end.
      cms.resource(configMap("sentinel", Map.of(), Map.of())).create();
      List<String> seen = recorder.until("ADDED sentinel");
      assertEquals(List.of("MODIFIED a", "ADDED c", "DELETED b", "ADDED sentinel"), seen);
      synchronized (recorder.revisions) {
        for (long r : recorder.revisions) {
          assertTrue(r > n, "event at resourceVersion " + r + " is not after " + n);
        }
        List<Long> sorted = new ArrayList<>(recorder.revisions);
        sorted.sort(null);
        assertEquals(sorted, recorder.revisions, "events come in resourceVersion order");
      }
      assertTrue(recorder.events.isEmpty(), "nothing more: " + recorder.events);
    }
  }

  @Test
  void resumeFromTheLatestVersionDeliversOnlyNewChanges() throws Exception {
    String ns = newNamespace(client, "watch-latest");
    var cms = client.configMaps().inNamespace(ns);
    cms.resource(configMap("old", Map.of(), Map.of())).create();
    String listRv = cms.list().getMetadata().getResourceVersion();
    Recorder recorder = new Recorder();
    try (Watch w =
        cms.watch(new ListOptionsBuilder().withResourceVersion(listRv).build(), recorder)) {
      cms.resource(configMap("new", Map.of(), Map.of())).create();
      assertEquals(List.of("ADDED new"), recorder.until("ADDED new"));
    }
  }

  /** Creates x and changes it five times; returns the resourceVersion of its creation. */
  private static long history(KubernetesClient c, String ns) {
    var cms = c.configMaps().inNamespace(ns);
    long n = rv(cms.resource(configMap("x", Map.of(), Map.of("v", "0"))).create());
    for (int i = 1; i <= 5; i++) {
      String v = Integer.toString(i);
      cms.withName("x")
          .edit(
              cm -> {
                cm.getData().put("v", v);
                return cm;
              });
    }
    return n;
  }

  @Test
  void compactedResourceVersionIsGone() throws Exception {
    String ns = newNamespace(client, "watch-gone");
    long n = history(client, ns);
    long current = hub.server().storage().store().currentRevision();
    hub.server().storage().store().compact(current);
    assertGone(client, ns, n, current);
  }

  @Test
  void compactedResourceVersionIsGoneAfterRestart() throws Exception {
    // A restart on the same data directory reopens its SQLite store; under -Pstore-etcd the
    // window after a restart is covered by store-etcd's own tests.
    org.junit.jupiter.api.Assumptions.assumeTrue(
        System.getProperty("flotilla.test.store", "").isEmpty(),
        "SKIPPED under -Dflotilla.test.store: restarts reopen SQLite");
    TestHub own = TestHub.start();
    String ns;
    long n;
    long current;
    try (KubernetesClient c = own.client()) {
      ns = newNamespace(c, "watch-gone-restart");
      n = history(c, ns);
      current = own.server().storage().store().currentRevision();
      own.server().storage().store().compact(current);
    } finally {
      own.close();
    }
    try (TestHub again = TestHub.start(own.dataDir());
        KubernetesClient c = again.client()) {
      assertGone(c, ns, n, current);
    }
  }

  /** A watch from {@code n} is answered 410; one from {@code current} works. */
  private static void assertGone(KubernetesClient c, String ns, long n, long current)
      throws Exception {
    var cms = c.configMaps().inNamespace(ns);
    // Raw: upstream answers 200 with one ERROR event carrying a 410 Expired Status.
    Fabric8Support.Raw raw =
        raw(
            c,
            "GET",
            "/api/v1/namespaces/"
                + ns
                + "/configmaps?watch=true&timeoutSeconds=5&resourceVersion="
                + n);
    JsonNode event = Fabric8Support.JSON.readTree(raw.body().lines().findFirst().orElse("{}"));
    assertEquals("ERROR", event.path("type").asText(), raw.body());
    assertEquals(410, event.path("object").path("code").asInt(), raw.body());
    assertEquals("Expired", event.path("object").path("reason").asText(), raw.body());

    // fabric8 turns it into a watcher closed with an HTTP Gone exception.
    Recorder recorder = new Recorder();
    Watch w = null;
    try {
      w =
          cms.watch(
              new ListOptionsBuilder().withResourceVersion(Long.toString(n)).build(), recorder);
      WatcherException cause = recorder.closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertNotNull(cause, "the watch is closed with an error");
      assertTrue(cause.isHttpGone(), "410 Gone expected, got " + cause);
    } catch (KubernetesClientException e) {
      assertEquals(410, e.getCode(), "a watch refused at once must be 410: " + e);
    } finally {
      if (w != null) {
        w.close();
      }
    }
    assertTrue(
        recorder.events.isEmpty(), "no events from a compacted revision: " + recorder.events);

    // The compaction revision itself is still watchable.
    Recorder fresh = new Recorder();
    try (Watch ok =
        cms.watch(
            new ListOptionsBuilder().withResourceVersion(Long.toString(current)).build(), fresh)) {
      cms.resource(configMap("y", Map.of(), Map.of())).create();
      assertEquals(List.of("ADDED y"), fresh.until("ADDED y"));
    }
  }
}
