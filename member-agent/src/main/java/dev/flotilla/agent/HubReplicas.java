package dev.flotilla.agent;

import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's way to several hub replicas on one store: every request goes to the replica in use,
 * and a request that cannot connect moves the agent on to the next one (fabric8 then retries it
 * there, and reconnects watches from their last resourceVersion, which every replica serves from
 * the same etcd history). Credentials and the CA are the kubeconfig's, shared by the replicas.
 */
public final class HubReplicas implements Interceptor {
  private static final Logger LOG = LoggerFactory.getLogger(HubReplicas.class);

  private final List<URI> servers;
  private final AtomicInteger current = new AtomicInteger();

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
    return servers.get(Math.floorMod(current.get(), servers.size()));
  }

  @Override
  public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
    builder.uri(onServer(request.uri(), current()));
  }

  @Override
  public void afterConnectionFailure(HttpRequest request, Throwable failure) {
    int seen = current.get();
    URI failed = servers.get(Math.floorMod(seen, servers.size()));
    if (sameServer(request.uri(), failed) && current.compareAndSet(seen, seen + 1)) {
      LOG.warn("hub " + failed + " unreachable (" + failure + "); moving to " + current());
    }
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
