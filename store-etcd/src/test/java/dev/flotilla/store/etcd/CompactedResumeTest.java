package dev.flotilla.store.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.apiserver.HubServer;
import dev.flotilla.apiserver.it.TestHub;
import dev.flotilla.apiserver.storage.CompactedException;
import dev.flotilla.apiserver.storage.Store;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gap of a compacted resume: hub A's one etcd watch is cut off, hub B writes and compacts past
 * A's resume point, the cut heals. Every watcher open on A must then end with 410 (and list again)
 * or have every event; none may go on silently without the changes in between. A's window starts
 * over cleanly: new watches from the present see new changes, watches from before get 410.
 */
class CompactedResumeTest {
  private static final long WAIT_SECONDS = 180;
  @TempDir Path dir;

  /** What one fabric8 watch on A saw: configmap names by event, and how it ended. */
  private static final class Seen implements Watcher<ConfigMap> {
    final List<String> events = new CopyOnWriteArrayList<>();
    volatile WatcherException closedWith;

    @Override
    public void eventReceived(Action action, ConfigMap cm) {
      // The two hubs have CAs of their own, and whichever leads the system controllers rewrites
      // kube-root-ca.crt with its own, at any time here: not a change this test makes.
      if (!"kube-root-ca.crt".equals(cm.getMetadata().getName())) {
        events.add(action + " " + cm.getMetadata().getName());
      }
    }

    @Override
    public void onClose(WatcherException cause) {
      closedWith = cause;
    }

    boolean gone() {
      return closedWith != null && closedWith.isHttpGone();
    }
  }

  @Test
  void everyWatcherOfAHubWhoseEtcdWatchResumesBelowCompactionGets410OrEveryEvent()
      throws Exception {
    EtcdTests.requireEtcd();
    try (LocalEtcd etcd = LocalEtcd.start(dir.resolve("etcd"), 1);
        CuttableProxy proxy = new CuttableProxy(etcd.members().get(0).clientUrl().getPort());
        TestHub a =
            TestHub.start(
                new HubServer.Hosting(
                    null,
                    false,
                    t ->
                        EtcdStore.open(
                            EtcdConnection.of("http://127.0.0.1:" + proxy.port(), "/gap"), t)));
        TestHub b =
            TestHub.start(
                new HubServer.Hosting(
                    null, false, t -> EtcdStore.open(etcd.connection("/gap"), t)));
        KubernetesClient onA = a.client();
        KubernetesClient onB = b.client()) {
      EtcdStore storeA = (EtcdStore) a.server().storage().store();
      onA.namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName("gap").endMetadata().build())
          .create();
      String from = cm(onA, "before").getMetadata().getResourceVersion();

      // Three client watches and one of the hub's own subscriptions, all live on A.
      List<Seen> watchers = new ArrayList<>();
      List<Watch> watches = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        Seen seen = new Seen();
        watchers.add(seen);
        watches.add(
            onA.configMaps()
                .inNamespace("gap")
                .watch(new ListOptionsBuilder().withResourceVersion(from).build(), seen));
      }
      Set<String> internal = ConcurrentHashMap.newKeySet();
      boolean[] internalGone = {false};
      String prefix = "/registry/configmaps/gap/";
      Store.Watch own =
          storeA.watch(
              prefix,
              Long.parseLong(from),
              e -> internal.add(e.type() + " " + e.kv().key().substring(prefix.length())),
              () -> internalGone[0] = true);

      cm(onA, "live");
      await("every watcher sees the live change", () -> all(watchers, "ADDED live"));

      proxy.cut();
      cm(onB, "missed1");
      cm(onB, "missed2");
      onB.configMaps().inNamespace("gap").withName("before").delete();
      Store storeB = b.server().storage().store();
      long compactTo = storeB.currentRevision();
      storeB.compact(compactTo);
      proxy.restore();

      List<String> missed = List.of("ADDED missed1", "ADDED missed2", "DELETED before");
      await(
          "every watcher on A gets 410 or every change made while A was cut off",
          () ->
              watchers.stream().allMatch(w -> w.gone() || w.events.containsAll(missed))
                  && (internalGone[0]
                      || internal.containsAll(
                          List.of("PUT missed1", "PUT missed2", "DELETE before"))));
      for (Seen w : watchers) {
        assertTrue(
            w.gone() || w.events.containsAll(missed),
            "a watcher went on without the changes made while its hub was cut off: " + w.events);
      }
      assertTrue(storeA.feedRestarts() >= 1, "A's feed should have started over");

      // A's window starts over cleanly at the present.
      assertThrows(
          CompactedException.class, () -> storeA.watch(prefix, Long.parseLong(from), e -> {}));
      String now = onA.configMaps().inNamespace("gap").list().getMetadata().getResourceVersion();
      Seen fresh = new Seen();
      try (Watch w =
          onA.configMaps()
              .inNamespace("gap")
              .watch(new ListOptionsBuilder().withResourceVersion(now).build(), fresh)) {
        cm(onB, "after");
        await(
            "a new watch on A sees a change made through B",
            () -> all(List.of(fresh), "ADDED after"));
        assertEquals(List.of("ADDED after"), fresh.events);
      }
      watches.forEach(Watch::close);
      own.close();
    }
  }

  private static ConfigMap cm(KubernetesClient client, String name) {
    return client
        .configMaps()
        .inNamespace("gap")
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withData(Map.of("k", name))
                .build())
        .create();
  }

  private static boolean all(List<Seen> watchers, String event) {
    return watchers.stream().allMatch(w -> w.events.contains(event));
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(100);
    }
  }
}
