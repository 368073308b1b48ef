package dev.flotilla.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.apiserver.HubServer;
import dev.flotilla.policies.crd.CrdManifests;
import dev.flotilla.store.etcd.EtcdConnection;
import dev.flotilla.store.etcd.LocalEtcd;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two replicas started at the same moment on an empty etcd prefix both come up: they race to create
 * the CRDs, the system namespaces and the default RBAC policy, and the one that loses a create
 * takes the winner's object instead of failing.
 */
class ConcurrentHubStartIT {
  @TempDir Path tmp;

  @Test
  void twoHubsStartingTogetherOnAnEmptyPrefixBothStart() throws Exception {
    EtcdHubIT.requireEtcd();
    try (LocalEtcd etcd = LocalEtcd.start(tmp.resolve("etcd"), 1)) {
      EtcdConnection connection = etcd.connection("/together");
      CountDownLatch go = new CountDownLatch(1);
      CompletableFuture<HubServer> a = starting(go, tmp.resolve("a"), connection);
      CompletableFuture<HubServer> b = starting(go, tmp.resolve("b"), connection);
      go.countDown();
      try (HubServer hubA = a.get(300, TimeUnit.SECONDS);
          HubServer hubB = b.get(300, TimeUnit.SECONDS);
          KubernetesClient viaB = HubClients.admin(hubB)) {
        List<String> flotillaCrds =
            CrdManifests.load().stream()
                .map(m -> m.path("metadata").path("name").asText())
                .toList();
        List<String> served =
            viaB.apiextensions().v1().customResourceDefinitions().list().getItems().stream()
                .map(CustomResourceDefinition::getMetadata)
                .map(m -> m.getName())
                .toList();
        assertTrue(served.containsAll(flotillaCrds), "CRDs served: " + served);
        assertEquals(served.size(), served.stream().distinct().count());
        for (String ns : List.of("default", "kube-system", "kube-public", "kube-node-lease")) {
          assertTrue(viaB.namespaces().withName(ns).get() != null, ns);
        }
        assertTrue(
            viaB.rbac().clusterRoles().withName("cluster-admin").get() != null,
            "the default RBAC policy is in place");
        assertTrue(hubA.url().startsWith("https://"));
      }
    }
  }

  private static CompletableFuture<HubServer> starting(
      CountDownLatch go, Path dir, EtcdConnection connection) {
    return startingTogether(
        go, "start-" + dir.getFileName(), () -> EtcdHubIT.etcdHub(dir, connection));
  }

  /** Starts a hub on a thread of its own once {@code go} opens, so several start at one moment. */
  static CompletableFuture<HubServer> startingTogether(
      CountDownLatch go, String thread, java.util.function.Supplier<HubServer> start) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            go.await();
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
          return start.get();
        },
        r -> new Thread(r, thread).start());
  }
}
