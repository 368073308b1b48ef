package dev.flotilla.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Soak: 1,000 watchers and a steady write load (5 writes a second) for two minutes in the short
 * form (beside the suite's other tests, in a second JVM), ten in the long. No write or watch fails,
 * every watcher gets every event, no event loop of the hub is held by code for over 100 ms
 * (Vert.x's checker in the hub's process; see {@link HubMain}), and the hub's RSS stays bounded
 * (printed every sample).
 */
class SoakIT {
  private static final String NS = "soak";
  private static final long MAX_RSS_MIB = 2048; // heap is capped at 768 MiB; this is far above

  private final List<String> errors = new CopyOnWriteArrayList<>();

  @Test
  void watchersAndWritersForMinutes() throws Exception {
    Path dir = Files.createTempDirectory("flotilla-soak");
    try (Processes hub = HubHandle.start("soak-hub", dir);
        KubernetesClient writer = HubHandle.client(hub, dir);
        KubernetesClient watching = HubHandle.client(hub, dir)) {
      writer
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
          .create();
      String from = writer.configMaps().inNamespace(NS).list().getMetadata().getResourceVersion();
      List<AtomicLong> received = new ArrayList<>();
      List<Watch> watches = new ArrayList<>();
      for (int i = 0; i < Form.soakWatchers(); i++) {
        AtomicLong count = new AtomicLong();
        received.add(count);
        watches.add(
            watching
                .configMaps()
                .inNamespace(NS)
                .withLabel("app", "soak")
                .withResourceVersion(from)
                .watch(counting(count)));
      }
      long rssStart = hub.rssMiB();
      long rssMax = rssStart;
      long writes = 0;
      long end = System.nanoTime() + Form.soak().toNanos();
      long nextSample = 0;
      while (System.nanoTime() < end) {
        try {
          ConfigMap cm =
              new ConfigMapBuilder()
                  .withNewMetadata()
                  .withName("cm-" + writes % 50)
                  .addToLabels("app", "soak")
                  .endMetadata()
                  .addToData("v", Long.toString(writes))
                  .build();
          writer.configMaps().inNamespace(NS).resource(cm).createOr(c -> c.update());
          writes++;
        } catch (RuntimeException e) {
          errors.add("write: " + e);
        }
        if (System.nanoTime() > nextSample) {
          long rss = hub.rssMiB();
          rssMax = Math.max(rssMax, rss);
          System.out.println("soak: " + writes + " writes, hub RSS " + rss + " MiB");
          nextSample = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        }
        Thread.sleep(200);
      }
      long total = writes;
      Await.until(
          "every watcher to get all " + total + " events",
          Duration.ofMinutes(5),
          () -> received.stream().allMatch(c -> c.get() >= total) ? true : null);
      long rssEnd = hub.rssMiB();
      watches.forEach(Watch::close);
      List<String> stalls = hub.linesStartingWith("STALL ");
      long fewest = received.stream().mapToLong(AtomicLong::get).min().orElse(0);
      System.out.printf(
          "RELIABILITY soak (%s): %d watchers, %d writes over %s, fewest events at one watcher %d,"
              + " errors %d, event-loop stalls over %d ms %d (unscheduled by the OS, not counted: %d),"
              + " hub RSS %d MiB at start, %d max, %d at end%n",
          Form.name(),
          Form.soakWatchers(),
          total,
          Form.soak(),
          fewest,
          errors.size(),
          HubMain.MAX_LOOP_MILLIS,
          stalls.size(),
          hub.linesStartingWith("UNSCHEDULED ").size(),
          rssStart,
          rssMax,
          rssEnd);
      assertEquals(List.of(), errors, "errors");
      assertEquals(List.of(), stalls, "event loops held by code over 100 ms");
      assertTrue(rssMax < MAX_RSS_MIB, "hub RSS " + rssMax + " MiB");
    }
  }

  private Watcher<ConfigMap> counting(AtomicLong count) {
    return new Watcher<>() {
      @Override
      public void eventReceived(Action action, ConfigMap resource) {
        count.incrementAndGet();
      }

      @Override
      public void onClose(WatcherException cause) {
        errors.add("watch closed: " + cause);
      }
    };
  }
}
