package dev.flotilla.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.apiserver.HubConfig;
import dev.flotilla.apiserver.HubServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A few hundred concurrent watches over HTTPS, opened and read as {@code bench apiserver} does, on
 * a common pool sized as the launchers size it: every watch opens and every one gets its events.
 * Reading each stream with a blocking reader in a callback stopped at 260 watchers (4 + the common
 * pool's 256 spare threads) and the benchmark printed "INCOMPLETE".
 */
class WatchFanOutIT {
  private static final int WATCHERS = 300;
  private static final int EVENTS = 3;

  @Test
  void everyWatchOpensAndGetsEveryEvent() throws Exception {
    assertTrue(
        ForkJoinPool.getCommonPoolParallelism() > 1,
        "the test needs the common pool as the launchers size it (surefire argLine)");
    Path dir = Files.createTempDirectory("flotilla-fanout");
    try (HubServer hub = HubServer.create(HubConfig.of(dir, 0)).start()) {
      HubClient client =
          new HubClient(hub.url(), dir.resolve("pki/ca.crt"), hub.authenticator().adminToken());
      assertEquals(
          201, client.post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"fan\"}}").statusCode());
      CountDownLatch all = new CountDownLatch(WATCHERS * EVENTS);
      Set<String> seen = ConcurrentHashMap.newKeySet();
      try (WatchFanOut watches =
          new WatchFanOut(
              client,
              "/api/v1/namespaces/fan/configmaps?watch=true&timeoutSeconds=300",
              WATCHERS,
              line -> {
                if (line.contains("\"ADDED\"") && line.contains("\"fan-")) {
                  seen.add(line.replaceAll(".*\"name\":\"(fan-\\d+)\".*", "$1"));
                  all.countDown();
                }
              })) {
        assertEquals(WATCHERS, watches.awaitOpen(120), "watches open");
        assertEquals(0, watches.failed(), "watches refused or broken");
        for (int i = 0; i < EVENTS; i++) {
          assertEquals(
              201,
              client
                  .post(
                      "/api/v1/namespaces/fan/configmaps",
                      "{\"metadata\":{\"name\":\"fan-" + i + "\"}}")
                  .statusCode());
        }
        assertTrue(
            all.await(300, TimeUnit.SECONDS),
            all.getCount() + " of " + WATCHERS * EVENTS + " events never arrived");
        assertEquals(Set.of("fan-0", "fan-1", "fan-2"), seen);
      }
    }
  }
}
