package dev.flotilla.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A hub's first watch (a WebSocket upgrade, as fabric8 opens it) loads no WebSocket class on the
 * event loop that upgrades it, but lambdas' hidden classes: the hub loaded them on a worker at
 * start. Loading them on the loop held it for 112-217 ms in a loaded CI run. Checked by the classes
 * each loop loads (JFR, in the hub's own JVM), which does not depend on the machine's load as a
 * stall's length does (SoakIT counts stalls, its first watch included).
 */
class FirstWatchIT {
  @Test
  void theFirstWatchLoadsNoWebSocketClassOnAnEventLoop() throws Exception {
    Path dir = Files.createTempDirectory("flotilla-first-watch");
    try (Processes hub = HubHandle.startPrintingLoopClassLoads("first-watch-hub", dir);
        KubernetesClient client = HubHandle.client(hub, dir)) {
      client.configMaps().inNamespace("default").list();
      AtomicInteger events = new AtomicInteger();
      try (Watch w =
          client
              .configMaps()
              .inNamespace("default")
              .watch(
                  new Watcher<ConfigMap>() {
                    @Override
                    public void eventReceived(Action action, ConfigMap resource) {
                      events.incrementAndGet();
                    }

                    @Override
                    public void onClose(WatcherException cause) {}
                  })) {
        client
            .configMaps()
            .inNamespace("default")
            .resource(
                new ConfigMapBuilder().withNewMetadata().withName("first").endMetadata().build())
            .create();
        Await.until(
            "the watch's first event", Duration.ofMinutes(2), () -> events.get() > 0 ? true : null);
      }
      // The hub's JFR stream delivers in batches: two more batches hold everything loaded so far.
      int flushed = hub.linesStartingWith("CLASSLOAD-FLUSH").size();
      Await.until(
          "the hub's class-load events to be delivered",
          Duration.ofMinutes(2),
          () -> hub.linesStartingWith("CLASSLOAD-FLUSH").size() >= flushed + 2 ? true : null);
      List<String> onLoops = hub.linesStartingWith("LOOP-CLASS ");
      // A lambda's hidden class is spun where its call site first runs; only running it helps.
      List<String> webSocket =
          onLoops.stream()
              .filter(l -> l.toLowerCase(Locale.ROOT).contains("websocket"))
              .filter(l -> !l.contains("$$Lambda"))
              .toList();
      System.out.printf(
          "RELIABILITY first watch: %d classes loaded on event loops after the first request,"
              + " %d of them WebSocket classes; stalls over %d ms %d%n",
          onLoops.size(),
          webSocket.size(),
          HubMain.MAX_LOOP_MILLIS,
          hub.linesStartingWith("STALL ").size());
      assertEquals(List.of(), webSocket, "WebSocket classes loaded on an event loop");
    }
  }
}
