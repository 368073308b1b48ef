package dev.flotilla.apiserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A ServiceAccount JWT seen for the first time is verified on a worker, never on an event loop
 * (signature checks cost a millisecond or more); a known token is looked up where it arrives.
 */
class AuthenticationOffLoopIT {
  private static TestHub hub;
  private static final List<Boolean> onLoop = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() {
    hub = TestHub.start();
    // Consulted after the ServiceAccount source, on the thread that authenticates the request.
    hub.server()
        .authenticator()
        .addSource(
            token -> {
              onLoop.add(io.vertx.core.Context.isOnEventLoopThread());
              return Optional.empty();
            });
  }

  @AfterAll
  static void stop() {
    hub.close();
  }

  @Test
  void anUnverifiedJwtIsCheckedOnAWorkerAndRefused() {
    String forged =
        "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6ZGVmYXVsdDp4In0.c2lnbmF0dXJl";
    try (KubernetesClient client = hub.client(forged)) {
      Fabric8Support.failsWith(
          401, "Unauthorized", () -> client.configMaps().inNamespace("default").list());
    }
    assertFalse(onLoop.isEmpty(), "the request was authenticated");
    assertTrue(onLoop.stream().noneMatch(b -> b), "never on an event loop: " + onLoop);

    onLoop.clear();
    try (KubernetesClient client = hub.client("not-a-jwt")) {
      Fabric8Support.failsWith(
          401, "Unauthorized", () -> client.configMaps().inNamespace("default").list());
    }
    assertEquals(List.of(true), onLoop.subList(0, 1), "a plain token costs a lookup on the loop");
  }
}
