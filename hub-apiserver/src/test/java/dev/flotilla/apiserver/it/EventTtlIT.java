package dev.flotilla.apiserver.it;

import static dev.flotilla.apiserver.it.Fabric8Support.await;
import static dev.flotilla.apiserver.it.Fabric8Support.newNamespace;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.apiserver.HubConfig;
import dev.flotilla.apiserver.HubServer;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code --event-ttl}: Events of both APIs are deleted once the TTL has passed since their last
 * write, never sooner, and nothing else is touched. A 5 s TTL here, on the store under test.
 */
class EventTtlIT {
  private static final Duration TTL = Duration.ofSeconds(5);
  private static TestHub hub;
  private static KubernetesClient client;

  @BeforeAll
  static void start() {
    hub =
        TestHub.start(
            dir -> HubServer.create(HubConfig.of(dir, 0), TestHub.storeUnderTest()).eventTtl(TTL));
    client = hub.client();
  }

  @AfterAll
  static void stop() {
    client.close();
    hub.close();
  }

  private static Event coreEvent(String name) {
    return new EventBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewInvolvedObject()
        .withKind("ConfigMap")
        .withName("kept")
        .endInvolvedObject()
        .withReason("Tested")
        .withMessage("expires")
        .withType("Normal")
        .build();
  }

  @Test
  void eventsOfBothApisExpireAndNothingElse() {
    String ns = newNamespace(client, "event-ttl");
    client
        .configMaps()
        .inNamespace(ns)
        .resource(new ConfigMapBuilder().withNewMetadata().withName("kept").endMetadata().build())
        .create();
    client.v1().events().inNamespace(ns).resource(coreEvent("core")).create();
    client
        .events()
        .v1()
        .events()
        .inNamespace(ns)
        .resource(
            new io.fabric8.kubernetes.api.model.events.v1.EventBuilder()
                .withNewMetadata()
                .withName("new-api")
                .endMetadata()
                .withEventTime(new MicroTime(Instant.now().toString()))
                .withReportingController("example.com/tester")
                .withReportingInstance("tester-1")
                .withAction("Test")
                .withReason("Tested")
                .withType("Normal")
                .withNewRegarding()
                .withKind("ConfigMap")
                .withName("kept")
                .endRegarding()
                .build())
        .create();
    await(
        "both events expire",
        () ->
            client.v1().events().inNamespace(ns).withName("core").get() == null
                && client.events().v1().events().inNamespace(ns).withName("new-api").get() == null);
    assertNotNull(client.configMaps().inNamespace(ns).withName("kept").get());
  }

  @Test
  void aWriteRenewsTheEvent() {
    String ns = newNamespace(client, "event-renew");
    client.v1().events().inNamespace(ns).resource(coreEvent("renewed")).create();
    Instant lastWrite = Instant.now();
    // Written again and again for three TTLs: each write must find the event, unless the gap
    // since the previous one (a stalled machine) was itself a whole TTL.
    Instant until = lastWrite.plus(TTL.multipliedBy(3));
    int renewals = 0;
    while (Instant.now().isBefore(until)) {
      int n = renewals;
      Instant before = Instant.now();
      try {
        client
            .v1()
            .events()
            .inNamespace(ns)
            .withName("renewed")
            .edit(e -> new EventBuilder(e).withCount(n + 2).build());
        lastWrite = before;
        renewals++;
      } catch (KubernetesClientException e) {
        Duration gap = Duration.between(lastWrite, Instant.now());
        assertTrue(
            gap.compareTo(TTL) >= 0,
            "the event went " + gap + " after its last write, under the TTL: " + e);
        return;
      }
      sleep(500);
    }
    assertTrue(renewals > 0);
    await(
        "the event expires once no longer written",
        () -> client.v1().events().inNamespace(ns).withName("renewed").get() == null);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
