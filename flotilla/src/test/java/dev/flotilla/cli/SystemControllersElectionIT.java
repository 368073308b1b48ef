package dev.flotilla.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.apiserver.HubConfig;
import dev.flotilla.apiserver.HubServer;
import dev.flotilla.apiserver.storage.ForwardingStore;
import dev.flotilla.apiserver.storage.Store;
import dev.flotilla.apiserver.storage.ValueEncoder;
import dev.flotilla.apiserver.storage.WriteResult;
import dev.flotilla.controller.ControllerManager;
import dev.flotilla.controller.LeaderElection;
import dev.flotilla.store.etcd.EtcdConnection;
import dev.flotilla.store.etcd.EtcdStore;
import dev.flotilla.store.etcd.LocalEtcd;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two hubs on one etcd, each with the launcher's wiring (controllers elected through the Lease):
 * the hub's built-in controllers (here the root CA publisher and the ServiceAccount controller,
 * which act on every new namespace) write from the leader only, and when the leader dies the other
 * hub takes their work over.
 */
class SystemControllersElectionIT {
  private static final LeaderElection FAST =
      new LeaderElection(Duration.ofSeconds(4), Duration.ofSeconds(3), Duration.ofSeconds(1));
  private static final long WAIT_SECONDS = 240;
  @TempDir Path tmp;

  @Test
  void onlyTheLeaderWritesAndTheOtherHubTakesOverWhenItDies() throws Exception {
    EtcdHubIT.requireEtcd();
    try (LocalEtcd etcd = LocalEtcd.start(tmp.resolve("etcd"), 1)) {
      EtcdConnection connection = etcd.connection("/elect");
      AtomicInteger writesA = new AtomicInteger();
      AtomicInteger writesB = new AtomicInteger();
      Path dataA = tmp.resolve("a");
      HubServer a = hub(dataA, connection, writesA);
      boolean[] aClosed = {false};
      Path dataB = tmp.resolve("b");
      EtcdHubIT.copyTree(dataA, dataB, List.of("store"));
      try (HubServer b = hub(dataB, connection, writesB);
          KubernetesClient viaB = HubClients.admin(b)) {
        ControllerManager managerA = manager(a, "replica-a").start();
        await("replica a leads", managerA::leading);
        ControllerManager managerB = manager(b, "replica-b").start();
        try {
          writesA.set(0);
          writesB.set(0);
          for (int i = 0; i < 3; i++) {
            namespace(viaB, "first-" + i);
          }
          await(
              "the leader publishes the root CA in every new namespace",
              () -> served(viaB, "first-", 3));
          assertEquals(0, writesB.get(), "the standby hub wrote ConfigMaps or ServiceAccounts");
          assertTrue(writesA.get() >= 6, "the leader's writes: " + writesA.get());

          a.close(); // the leader dies: its Lease runs out unrenewed
          aClosed[0] = true;
          await("replica b takes over", managerB::leading);
          for (int i = 0; i < 3; i++) {
            namespace(viaB, "second-" + i);
          }
          await("the new leader publishes the root CA", () -> served(viaB, "second-", 3));
          assertTrue(writesB.get() >= 6, "the new leader's writes: " + writesB.get());
        } finally {
          managerB.close();
          managerA.close();
        }
      } finally {
        if (!aClosed[0]) {
          a.close();
        }
      }
    }
  }

  private static HubServer hub(Path dir, EtcdConnection etcd, AtomicInteger writes) {
    return HubServer.create(
            HubConfig.of(dir, 0),
            new HubServer.Hosting(
                null, false, t -> new CountingStore(EtcdStore.open(etcd, t), writes)))
        .electControllers()
        .start();
  }

  private static ControllerManager manager(HubServer hub, String identity) {
    return new ControllerManager(HubClients.controllers(hub), identity)
        .leaderElection(FAST)
        .alsoWhileLeading(hub::startSystemControllers);
  }

  private static void namespace(KubernetesClient client, String name) {
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
  }

  /** Every namespace {@code prefix0..n-1} has its kube-root-ca.crt and default ServiceAccount. */
  private static boolean served(KubernetesClient client, String prefix, int n) {
    for (int i = 0; i < n; i++) {
      String ns = prefix + i;
      if (client.configMaps().inNamespace(ns).withName("kube-root-ca.crt").get() == null
          || client.serviceAccounts().inNamespace(ns).withName("default").get() == null) {
        return false;
      }
    }
    return true;
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(200);
    }
  }

  /** One replica's store, counting its writes of ConfigMaps and ServiceAccounts. */
  private static final class CountingStore extends ForwardingStore {
    private final AtomicInteger writes;

    CountingStore(Store inner, AtomicInteger writes) {
      super(inner);
      this.writes = writes;
    }

    private void count(String key) {
      if (key.contains("/configmaps/") || key.contains("/serviceaccounts/")) {
        writes.incrementAndGet();
      }
    }

    @Override
    public CompletableFuture<WriteResult> create(String key, ValueEncoder value) {
      count(key);
      return inner.create(key, value);
    }

    @Override
    public CompletableFuture<WriteResult> update(String key, long expected, ValueEncoder value) {
      count(key);
      return inner.update(key, expected, value);
    }

    @Override
    public CompletableFuture<WriteResult> delete(String key, long expected, ValueEncoder value) {
      count(key);
      return inner.delete(key, expected, value);
    }
  }
}
