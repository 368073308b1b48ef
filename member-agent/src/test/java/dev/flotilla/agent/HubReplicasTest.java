package dev.flotilla.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** How the agent picks a hub replica and moves on when one cannot be reached. */
class HubReplicasTest {
  @Test
  void requestsMoveToTheReplicaInUseWithPathAndQueryUntouched() {
    URI moved =
        HubReplicas.onServer(
            URI.create(
                "https://hub-0:6443/apis/work.karmada.io/v1alpha1/namespaces/karmada-es-a/works"
                    + "?watch=true&labelSelector=a%3Db%2Cc&resourceVersion=42"),
            URI.create("https://hub-1:7443"));
    assertEquals(
        "https://hub-1:7443/apis/work.karmada.io/v1alpha1/namespaces/karmada-es-a/works"
            + "?watch=true&labelSelector=a%3Db%2Cc&resourceVersion=42",
        moved.toString());
  }

  @Test
  void onlyAFailureOnTheReplicaInUseMovesTheAgentOnAndTheListWrapsAround() {
    HubReplicas replicas =
        new HubReplicas(HubReplicas.parse("https://hub-0:6443, https://hub-1:6443"));
    assertEquals(URI.create("https://hub-0:6443"), replicas.current());
    // A late failure of a request that went to another replica changes nothing.
    replicas.afterConnectionFailure(request("https://hub-1:6443/api"), new java.io.IOException());
    assertEquals(URI.create("https://hub-0:6443"), replicas.current());
    replicas.afterConnectionFailure(request("https://hub-0:6443/api"), new java.io.IOException());
    assertEquals(URI.create("https://hub-1:6443"), replicas.current());
    replicas.afterConnectionFailure(request("https://hub-1:6443/api"), new java.io.IOException());
    assertEquals(URI.create("https://hub-0:6443"), replicas.current());
  }

  @Test
  void aServerThatIsNotAUrlIsRefusedWithAnExample() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> HubReplicas.parse("hub-0:6443"));
    assertEquals(
        "hub server hub-0:6443 is not a URL like https://hub.example:6443", e.getMessage());
  }

  private static io.fabric8.kubernetes.client.http.HttpRequest request(String uri) {
    return new io.fabric8.kubernetes.client.http.StandardHttpRequest(
        java.util.Map.of(), URI.create(uri), "GET", null);
  }
}
