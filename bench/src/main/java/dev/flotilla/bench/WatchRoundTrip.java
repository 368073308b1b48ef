package dev.flotilla.bench;

import dev.flotilla.fixtures.Workloads;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The floor of any watch-driven pipeline: a client writes an object and a watch on the same API
 * server delivers the event (timed from just before the write to the event in the client).
 */
final class WatchRoundTrip {
  private WatchRoundTrip() {}

  static Percentiles measure(KubernetesClient client, String namespace, int writes)
      throws InterruptedException {
    Workloads.namespace(client, namespace);
    Map<String, Long> sentAt = new ConcurrentHashMap<>();
    Map<String, CountDownLatch> seen = new ConcurrentHashMap<>();
    Percentiles out = new Percentiles();
    try (Watch watch =
        client
            .configMaps()
            .inNamespace(namespace)
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, ConfigMap cm) {
                    long now = System.nanoTime();
                    String name = cm.getMetadata().getName();
                    Long t0 = sentAt.get(name);
                    CountDownLatch latch = seen.get(name);
                    if (action == Action.ADDED && t0 != null && latch != null) {
                      out.add(now - t0);
                      latch.countDown();
                    }
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                })) {
      Thread.sleep(500);
      for (int i = 0; i < writes; i++) {
        String name = "rt-" + System.nanoTime();
        CountDownLatch latch = new CountDownLatch(1);
        seen.put(name, latch);
        sentAt.put(name, System.nanoTime());
        client
            .configMaps()
            .inNamespace(namespace)
            .resource(
                new ConfigMapBuilder()
                    .withNewMetadata()
                    .withName(name)
                    .endMetadata()
                    .addToData("k", "v")
                    .build())
            .create();
        latch.await(10, TimeUnit.SECONDS);
        Thread.sleep(5);
      }
    }
    return out;
  }
}
