package dev.flotilla.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Crash: the hub is SIGKILLed under 8 concurrent writers (creates and compare-and-swap updates),
 * and restarted on the same data directory, again and again (3 times in the short form, 20 in the
 * long). After every restart each acknowledged write is there at its resourceVersion (or, for an
 * object whose next write was in flight, that newer write), and resourceVersions never go back.
 */
class HubCrashIT {
  private static final int WRITERS = 8;
  private static final String NS = "default";

  /** What a writer last saw acknowledged for one object, and what it had in flight. */
  static final class Tracked {
    volatile String ackedRv;
    volatile String ackedValue;
    volatile String inFlight;
  }

  private final Map<String, Tracked> objects = new ConcurrentHashMap<>();
  private final AtomicInteger acknowledged = new AtomicInteger();
  private long highestRv;
  private int lost;
  private int regressions;

  @Test
  void acknowledgedWritesSurviveRepeatedSigkills() throws Exception {
    Path dir = Files.createTempDirectory("flotilla-crash");
    Random random = new Random(42);
    for (int r = 0; r < Form.crashes(); r++) {
      int round = r;
      try (Processes hub = HubHandle.start("crash-hub", dir);
          KubernetesClient client = HubHandle.client(hub, dir)) {
        verify(client, round);
        int before = acknowledged.get();
        ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
        for (int w = 0; w < WRITERS; w++) {
          int writer = w;
          writers.execute(() -> write(client, round, writer));
        }
        // Some writes of this round acknowledged, then a kill at a moment the seed picks.
        Await.until(
            "writes acknowledged in round " + round,
            Duration.ofMinutes(3),
            () -> acknowledged.get() - before >= 40 ? true : null);
        Thread.sleep(random.nextInt(1500));
        hub.kill();
        writers.shutdown();
        assertTrue(writers.awaitTermination(3, TimeUnit.MINUTES), "writers stopped");
      }
    }
    try (Processes hub = HubHandle.start("crash-hub", dir);
        KubernetesClient client = HubHandle.client(hub, dir)) {
      verify(client, Form.crashes());
    }
    System.out.printf(
        "RELIABILITY crash (%s): %d SIGKILLs under %d writers, %d writes acknowledged, %d lost,"
            + " %d resourceVersion regressions%n",
        Form.name(), Form.crashes(), WRITERS, acknowledged.get(), lost, regressions);
    assertEquals(0, lost, "acknowledged writes lost");
    assertEquals(0, regressions, "resourceVersions that went back");
  }

  private void write(KubernetesClient client, int round, int writer) {
    Random random = new Random(round * 100L + writer);
    List<String> mine = new ArrayList<>();
    objects.keySet().stream().filter(k -> k.startsWith("w" + writer + "-")).forEach(mine::add);
    for (int i = 0; ; i++) {
      boolean create = mine.isEmpty() || random.nextInt(3) == 0;
      String name =
          create ? "w" + writer + "-r" + round + "-" + i : mine.get(random.nextInt(mine.size()));
      Tracked t = objects.computeIfAbsent(name, n -> new Tracked());
      String value = "r" + round + "-" + i;
      t.inFlight = value;
      try {
        ConfigMap cm =
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName(name)
                .withResourceVersion(create ? null : t.ackedRv)
                .endMetadata()
                .addToData("v", value)
                .build();
        ConfigMap done =
            create
                ? client.configMaps().inNamespace(NS).resource(cm).create()
                : client.configMaps().inNamespace(NS).resource(cm).update();
        t.ackedRv = done.getMetadata().getResourceVersion();
        t.ackedValue = value;
        t.inFlight = null;
        acknowledged.incrementAndGet();
        if (create) {
          mine.add(name);
        }
      } catch (RuntimeException e) {
        return; // the hub is gone; what is in flight stays recorded as such
      }
    }
  }

  /** Checks every tracked object against the restarted hub, then adopts what it holds. */
  private void verify(KubernetesClient client, int round) {
    for (Map.Entry<String, Tracked> e : objects.entrySet()) {
      Tracked t = e.getValue();
      ConfigMap now = client.configMaps().inNamespace(NS).withName(e.getKey()).get();
      String nowRv = now == null ? null : now.getMetadata().getResourceVersion();
      String nowValue = now == null ? null : now.getData().get("v");
      boolean asAcked =
          t.ackedRv != null && t.ackedRv.equals(nowRv) && t.ackedValue.equals(nowValue);
      boolean asInFlight =
          t.inFlight != null
              && t.inFlight.equals(nowValue)
              && (t.ackedRv == null || Long.parseLong(nowRv) > Long.parseLong(t.ackedRv));
      boolean neverAcked = t.ackedRv == null && now == null;
      if (!asAcked && !asInFlight && !neverAcked) {
        lost++;
        System.out.println(
            "LOST after crash "
                + round
                + ": "
                + e.getKey()
                + " acked "
                + t.ackedRv
                + "/"
                + t.ackedValue
                + " in flight "
                + t.inFlight
                + ", found "
                + nowRv
                + "/"
                + nowValue);
      }
      if (now != null) {
        t.ackedRv = nowRv;
        t.ackedValue = nowValue;
        highestRv = Math.max(highestRv, Long.parseLong(nowRv));
      }
      t.inFlight = null;
    }
    objects.values().removeIf(t -> t.ackedRv == null);
    ConfigMap probe =
        client
            .configMaps()
            .inNamespace(NS)
            .resource(
                new ConfigMapBuilder()
                    .withNewMetadata()
                    .withName("probe-" + round)
                    .endMetadata()
                    .build())
            .create();
    long probeRv = Long.parseLong(probe.getMetadata().getResourceVersion());
    if (probeRv <= highestRv) {
      regressions++;
      System.out.println(
          "RV REGRESSION after crash " + round + ": " + probeRv + " <= " + highestRv);
    }
    highestRv = Math.max(highestRv, probeRv);
  }
}
