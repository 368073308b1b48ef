package dev.flotilla.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** How the agent picks a hub replica, moves on when one fails, and goes back to the first. */
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
  void a503MovesOnAtOnceAndSendsTheRequestAgainToTheNextReplica() throws Exception {
    HubReplicas replicas =
        new HubReplicas(HubReplicas.parse("https://hub-0:6443, https://hub-1:6443"));
    URI[] resent = new URI[1];
    boolean again =
        replicas
            .afterFailure(
                builder(resent), response(503, "https://hub-0:6443/api/v1/namespaces?x=1"), null)
            .get();
    assertTrue(again, "fabric8 sends the request again");
    assertEquals(URI.create("https://hub-1:6443/api/v1/namespaces?x=1"), resent[0]);
    assertEquals(URI.create("https://hub-1:6443"), replicas.current());
  }

  @Test
  void otherServerErrorsMoveOnOnlyWhenRepeatedWithoutASuccessBetween() throws Exception {
    HubReplicas replicas =
        new HubReplicas(HubReplicas.parse("https://hub-0:6443, https://hub-1:6443"));
    URI[] resent = new URI[1];
    for (int i = 1; i < HubReplicas.STRIKES; i++) {
      assertFalse(replicas.afterFailure(builder(resent), response(500, HUB0), null).get());
    }
    // A success in between starts the count again.
    replicas.after(request(HUB0), response(200, HUB0), null);
    for (int i = 1; i < HubReplicas.STRIKES; i++) {
      replicas.afterFailure(builder(resent), response(502, HUB0), null).get();
    }
    assertEquals(URI.create("https://hub-0:6443"), replicas.current());
    assertFalse(replicas.afterFailure(builder(resent), response(504, HUB0), null).get());
    assertEquals(URI.create("https://hub-1:6443"), replicas.current(), "the third in a row");
    assertEquals(null, resent[0], "fabric8's own retry (with backoff) sends it, not this");
    // Client errors are the caller's, never the replica's.
    replicas.afterFailure(builder(resent), response(404, "https://hub-1:6443/api"), null).get();
    assertEquals(URI.create("https://hub-1:6443"), replicas.current());
  }

  @Test
  void theAgentGoesBackToTheFirstReplicaThatIsReadyAgain() {
    HubReplicas replicas =
        new HubReplicas(
            HubReplicas.parse("https://hub-0:6443,https://hub-1:6443,https://hub-2:6443"));
    replicas.afterConnectionFailure(request(HUB0), new java.io.IOException());
    replicas.afterConnectionFailure(request("https://hub-1:6443/api"), new java.io.IOException());
    assertEquals(URI.create("https://hub-2:6443"), replicas.current());
    assertFalse(replicas.preferReady(i -> false), "none is back");
    assertTrue(replicas.preferReady(i -> i == 1));
    assertEquals(URI.create("https://hub-1:6443"), replicas.current());
    assertTrue(replicas.preferReady(i -> true));
    assertEquals(URI.create("https://hub-0:6443"), replicas.current());
    assertFalse(replicas.preferReady(i -> true), "already on the first");
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

  private static final String HUB0 = "https://hub-0:6443/api";

  private static io.fabric8.kubernetes.client.http.BasicBuilder builder(URI[] uri) {
    return new io.fabric8.kubernetes.client.http.BasicBuilder() {
      @Override
      public io.fabric8.kubernetes.client.http.BasicBuilder uri(URI u) {
        uri[0] = u;
        return this;
      }

      @Override
      public io.fabric8.kubernetes.client.http.BasicBuilder header(String k, String v) {
        return this;
      }

      @Override
      public io.fabric8.kubernetes.client.http.BasicBuilder setHeader(String k, String v) {
        return this;
      }
    };
  }

  private static io.fabric8.kubernetes.client.http.HttpResponse<String> response(
      int code, String uri) {
    io.fabric8.kubernetes.client.http.HttpRequest request = request(uri);
    return new io.fabric8.kubernetes.client.http.HttpResponse<>() {
      @Override
      public int code() {
        return code;
      }

      @Override
      public String body() {
        return "";
      }

      @Override
      public io.fabric8.kubernetes.client.http.HttpRequest request() {
        return request;
      }

      @Override
      public java.util.Optional<io.fabric8.kubernetes.client.http.HttpResponse<?>>
          previousResponse() {
        return java.util.Optional.empty();
      }

      @Override
      public java.util.List<String> headers(String key) {
        return java.util.List.of();
      }

      @Override
      public java.util.Map<String, java.util.List<String>> headers() {
        return java.util.Map.of();
      }
    };
  }
}
