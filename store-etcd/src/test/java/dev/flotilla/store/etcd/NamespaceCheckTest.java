package dev.flotilla.store.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.apiserver.HubServer;
import dev.flotilla.apiserver.it.TestHub;
import dev.flotilla.apiserver.storage.ForwardingStore;
import dev.flotilla.apiserver.storage.KeyValue;
import dev.flotilla.fixtures.Await;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A create checks its namespace without a store read (on etcd a linearizable read, a round trip
 * that waits behind every write in flight) once the hub's watch has shown the namespace Active; a
 * namespace deleted through this hub is read again at once, and one deleted through another hub is
 * refused once the watch shows it Terminating, as kube-apiserver's NamespaceLifecycle does.
 */
class NamespaceCheckTest {
  @TempDir Path dir;

  /**
   * Counts store reads by key made on the API workers, where requests run (the hub's controllers,
   * which read namespaces on their own threads, are not what this test is about).
   */
  private static final class ReadCounting extends ForwardingStore {
    final Map<String, AtomicInteger> reads = new ConcurrentHashMap<>();

    ReadCounting(dev.flotilla.apiserver.storage.Store inner) {
      super(inner);
    }

    @Override
    public Optional<KeyValue> get(String key) {
      if (Thread.currentThread().getName().startsWith("api-worker")) {
        reads.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
      }
      return super.get(key);
    }

    int reads(String key) {
      AtomicInteger n = reads.get(key);
      return n == null ? 0 : n.get();
    }
  }

  @Test
  void createsInAnActiveNamespaceReadNoNamespaceAndADeletedOneIsRefused() throws Exception {
    EtcdTests.requireEtcd();
    ReadCounting[] storeOfA = new ReadCounting[1];
    try (LocalEtcd etcd = LocalEtcd.start(dir.resolve("etcd"), 1);
        TestHub a =
            TestHub.start(
                new HubServer.Hosting(
                    null,
                    false,
                    t ->
                        storeOfA[0] =
                            new ReadCounting(EtcdStore.open(etcd.connection("/ns"), t))));
        TestHub b =
            TestHub.start(
                new HubServer.Hosting(
                    null, false, t -> EtcdStore.open(etcd.connection("/ns"), t)));
        KubernetesClient onA = a.client();
        KubernetesClient onB = b.client()) {
      for (String ns : new String[] {"team", "elsewhere"}) {
        onA.namespaces()
            .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
            .create();
      }
      Await.until(
          "hub A's watch to show both namespaces Active",
          () ->
              a.server().storage().activeNamespaces().knownActive("team")
                  && a.server().storage().activeNamespaces().knownActive("elsewhere"));

      Await.until(
          "the namespace's default ServiceAccount (the controllers done with it)",
          () -> onA.serviceAccounts().inNamespace("team").withName("default").get() != null);
      String teamKey = "/registry/core/namespaces/team";
      int before = storeOfA[0].reads(teamKey);
      for (int i = 0; i < 20; i++) {
        onA.configMaps().inNamespace("team").resource(cm("cm-" + i)).create();
      }
      assertEquals(
          before,
          storeOfA[0].reads(teamKey),
          "20 creates in an Active namespace read the namespace from the store");

      // Deleted through this hub: the next create is refused at once, the watch notwithstanding.
      holdOpen(onA, "team");
      onA.namespaces().withName("team").delete();
      KubernetesClientException refused =
          assertThrows(
              KubernetesClientException.class,
              () -> onA.configMaps().inNamespace("team").resource(cm("late")).create());
      assertEquals(403, refused.getCode(), refused.getMessage());
      assertTrue(
          storeOfA[0].reads(teamKey) > before,
          "a create in a namespace deleted through this hub reads it from the store");

      // Deleted through the other hub: refused once A's watch has shown it Terminating.
      holdOpen(onA, "elsewhere");
      onB.namespaces().withName("elsewhere").delete();
      Await.until(
          "hub A to refuse creates in a namespace hub B deleted",
          () -> {
            try {
              onA.configMaps().inNamespace("elsewhere").resource(cm("late")).create();
              onA.configMaps().inNamespace("elsewhere").withName("late").delete();
              return false;
            } catch (KubernetesClientException e) {
              return e.getCode() == 403;
            }
          });
    }
  }

  /** An object with a finalizer, so a deleted namespace stays Terminating. */
  private static void holdOpen(KubernetesClient client, String namespace) {
    ConfigMap held = cm("held");
    held.getMetadata().setFinalizers(java.util.List.of("example.com/hold"));
    client.configMaps().inNamespace(namespace).resource(held).create();
  }

  private static ConfigMap cm(String name) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withData(Map.of("k", "v"))
        .build();
  }
}
