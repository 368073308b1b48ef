package dev.flotilla.agent;

import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's way to several hub replicas on one store. Every request goes to the replica in use;
 * the agent moves on to the next one when a request to it cannot connect, when it answers 503 (not
 * ready, or shutting down: that request is sent again to the next replica at once), or when it
 * answers any other 5xx {@value #STRIKES} times in a row. fabric8 retries failed requests on the
 * replica then in use, and reconnects watches from their last resourceVersion, which every replica
 * serves from the same etcd history (a 410 makes the informer list again). A {@link ReplicaProbe}
 * brings the agent back to the first listed replica once that one is ready again, so that a fleet
 * whose agents list the replicas in the same order returns to the same one. Credentials and the CA
 * are the kubeconfig's, shared by the replicas.
 */
public final class HubReplicas implements Interceptor {
  /** Consecutive 5xx answers (other than 503) after which the replica in use is left. */
  static final int STRIKES = 3;

  /** The interceptor's name in the fabric8 HTTP client. */
  static final String NAME = "hub-replicas";

  private static final Logger LOG = LoggerFactory.getLogger(HubReplicas.class);

  private final List<URI> servers;
  private final AtomicInteger current = new AtomicInteger();
  private final AtomicInteger strikes = new AtomicInteger();

  /** The replicas' base URLs ({@code https://host:port}), tried in this order. */
  public HubReplicas(List<URI> servers) {
    if (servers.isEmpty()) {
      throw new IllegalArgumentException("at least one hub server is needed");
    }
    this.servers = List.copyOf(servers);
  }

  /** Parses {@code https://a:6443,https://b:6443}, refusing anything but absolute http(s) URLs. */
  public static List<URI> parse(String csv) {
    return java.util.Arrays.stream(csv.split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .map(
            s -> {
              URI u = URI.create(s);
              if (!("https".equals(u.getScheme()) || "http".equals(u.getScheme()))
                  || u.getHost() == null) {
                throw new IllegalArgumentException(
                    "hub server " + s + " is not a URL like https://hub.example:6443");
              }
              return u;
            })
        .toList();
  }

  /** The replica requests go to now. */
  public URI current() {
    return servers.get(index());
  }

  /** The replicas, in the order given. */
  List<URI> servers() {
    return servers;
  }

  /** Position of the replica in use in {@link #servers()}. */
  int index() {
    return Math.floorMod(current.get(), servers.size());
  }

  @Override
  public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
    builder.uri(onServer(request.uri(), current()));
  }

  @Override
  public void after(
      HttpRequest request, HttpResponse<?> response, AsyncBody.Consumer<List<ByteBuffer>> body) {
    if (response.code() < 500 && sameServer(request.uri(), current())) {
      strikes.set(0);
    }
  }

  @Override
  public CompletableFuture<Boolean> afterFailure(
      BasicBuilder builder, HttpResponse<?> response, RequestTags tags) {
    int code = response.code();
    if (code < 500) {
      return CompletableFuture.completedFuture(false);
    }
    // A WebSocket handshake's answer may not carry its request; it went to the replica in use.
    URI failed = response.request() == null ? current() : response.request().uri();
    if (code == 503) {
      // Not ready or shutting down: the request was not served, so it is safe to send it again.
      if (moveOn(failed, "answered 503")) {
        builder.uri(onServer(failed, current()));
        return CompletableFuture.completedFuture(true);
      }
      return CompletableFuture.completedFuture(false);
    }
    if (sameServer(failed, current()) && strikes.incrementAndGet() >= STRIKES) {
      moveOn(failed, "answered " + code + " " + STRIKES + " times in a row");
    }
    // fabric8's own retry (with backoff) goes to the replica then in use.
    return CompletableFuture.completedFuture(false);
  }

  @Override
  public void afterConnectionFailure(HttpRequest request, Throwable failure) {
    moveOn(request.uri(), "unreachable (" + failure + ")");
  }

  /**
   * Leaves the replica in use for the next one, if {@code failed} (a request's URI) went to it: a
   * late failure of a request sent to a replica already left changes nothing.
   */
  private boolean moveOn(URI failed, String why) {
    int seen = current.get();
    URI from = servers.get(Math.floorMod(seen, servers.size()));
    if (sameServer(failed, from) && current.compareAndSet(seen, seen + 1)) {
      strikes.set(0);
      LOG.warn("hub {} {}; moving to {}", from, why, current());
      return true;
    }
    return false;
  }

  /**
   * Goes back to the first replica listed before the one in use for which {@code ready} holds (it
   * answers {@code /readyz}); true when the agent moved.
   */
  boolean preferReady(IntPredicate ready) {
    int seen = current.get();
    int at = Math.floorMod(seen, servers.size());
    for (int i = 0; i < at; i++) {
      if (ready.test(i)) {
        if (current.compareAndSet(seen, i)) {
          strikes.set(0);
          LOG.info(
              "hub {} is ready again; moving back to it from {}", servers.get(i), servers.get(at));
          return true;
        }
        return false;
      }
    }
    return false;
  }

  /** {@code uri} with the scheme and authority of {@code server}; path and query as encoded. */
  static URI onServer(URI uri, URI server) {
    StringBuilder s = new StringBuilder();
    s.append(server.getScheme()).append("://").append(server.getRawAuthority());
    s.append(uri.getRawPath() == null ? "" : uri.getRawPath());
    if (uri.getRawQuery() != null) {
      s.append('?').append(uri.getRawQuery());
    }
    return URI.create(s.toString());
  }

  private static boolean sameServer(URI a, URI b) {
    return a.getHost().equalsIgnoreCase(b.getHost()) && port(a) == port(b);
  }

  private static int port(URI u) {
    return u.getPort() >= 0 ? u.getPort() : "https".equals(u.getScheme()) ? 443 : 80;
  }
}
