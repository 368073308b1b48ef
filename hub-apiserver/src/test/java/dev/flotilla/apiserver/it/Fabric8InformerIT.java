package dev.flotilla.apiserver.it;

import static dev.flotilla.apiserver.it.Fabric8Support.await;
import static dev.flotilla.apiserver.it.Fabric8Support.configMap;
import static dev.flotilla.apiserver.it.Fabric8Support.newNamespace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A fabric8 SharedIndexInformer keeps an exact cache through a thousand concurrent changes. */
class Fabric8InformerIT {
  private static final int OBJECTS = 400;
  private static final int DELETED = 200;

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

  /** Mirrors the handler's notifications into a name to resourceVersion map. */
  private static final class Mirror implements ResourceEventHandler<ConfigMap> {
    final Map<String, String> state = new ConcurrentHashMap<>();
    final AtomicInteger adds = new AtomicInteger();
    final AtomicInteger updates = new AtomicInteger();
    final AtomicInteger deletes = new AtomicInteger();

    @Override
    public void onAdd(ConfigMap cm) {
      adds.incrementAndGet();
      state.put(cm.getMetadata().getName(), cm.getMetadata().getResourceVersion());
    }

    @Override
    public void onUpdate(ConfigMap oldCm, ConfigMap cm) {
      updates.incrementAndGet();
      state.put(cm.getMetadata().getName(), cm.getMetadata().getResourceVersion());
    }

    @Override
    public void onDelete(ConfigMap cm, boolean finalStateUnknown) {
      deletes.incrementAndGet();
      state.remove(cm.getMetadata().getName());
    }
  }

  private static Map<String, String> byName(List<ConfigMap> items) {
    Map<String, String> out = new TreeMap<>();
    for (ConfigMap cm : items) {
      out.put(cm.getMetadata().getName(), cm.getMetadata().getResourceVersion());
    }
    return out;
  }

  @Test
  void cacheMatchesAFreshListAfterAThousandChanges() {
    String ns = newNamespace(client, "informer");
    // Some objects exist before the informer starts: they come from its initial list.
    for (int i = 0; i < 10; i++) {
      client
          .configMaps()
          .inNamespace(ns)
          .resource(configMap("pre-" + i, Map.of(), Map.of()))
          .create();
    }
    Mirror mirror = new Mirror();
    SharedIndexInformer<ConfigMap> informer = client.configMaps().inNamespace(ns).inform(mirror);
    try {
      assertTrue(informer.hasSynced(), "inform() returns a synced informer");
      assertEquals(
          10,
          informer.getStore().list().stream()
              .filter(cm -> cm.getMetadata().getName().startsWith("pre-"))
              .count());

      // 400 creates, 400 updates and 200 deletes, from 12 threads at once; each object's own
      // changes stay in order.
      ExecutorService pool = Executors.newFixedThreadPool(12);
      List<CompletableFuture<Void>> work = new ArrayList<>();
      try {
        for (int i = 0; i < OBJECTS; i++) {
          String name = String.format("obj-%03d", i);
          boolean delete = i < DELETED;
          work.add(
              CompletableFuture.runAsync(
                  () -> {
                    var cms = client.configMaps().inNamespace(ns);
                    cms.resource(configMap(name, Map.of("step", "created"), Map.of("v", "0")))
                        .create();
                    cms.withName(name)
                        .edit(
                            cm -> {
                              cm.getData().put("v", "1");
                              cm.getMetadata().getLabels().put("step", "updated");
                              return cm;
                            });
                    if (delete) {
                      cms.withName(name).delete();
                    }
                  },
                  pool));
        }
        CompletableFuture.allOf(work.toArray(CompletableFuture[]::new)).join();
      } finally {
        pool.shutdown();
      }

      AtomicReference<Map<String, String>> fresh = new AtomicReference<>();
      await(
          "the informer cache to equal a fresh list",
          () -> {
            fresh.set(byName(client.configMaps().inNamespace(ns).list().getItems()));
            return fresh.get().equals(byName(informer.getStore().list()));
          });
      Map<String, String> listed = fresh.get();
      assertEquals(
          10 + OBJECTS - DELETED,
          listed.keySet().stream().filter(n -> !n.equals("kube-root-ca.crt")).count());
      assertEquals(listed, new TreeMap<>(mirror.state), "handler notifications add up to the list");
      for (ConfigMap cm : informer.getStore().list()) {
        if (cm.getMetadata().getName().startsWith("obj-")) {
          assertEquals("1", cm.getData().get("v"), cm.getMetadata().getName());
          assertEquals("updated", cm.getMetadata().getLabels().get("step"));
        }
      }
      assertTrue(mirror.adds.get() >= 10 + OBJECTS, "adds: " + mirror.adds.get());
      assertTrue(mirror.deletes.get() >= DELETED, "deletes: " + mirror.deletes.get());
      assertTrue(mirror.updates.get() >= OBJECTS - DELETED, "updates: " + mirror.updates.get());
      assertNotNull(informer.lastSyncResourceVersion(), "the informer tracks a resourceVersion");
    } finally {
      informer.close();
    }
  }
}
