package dev.flotilla.store.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where the etcd cluster is and how to reach it, named as kube-apiserver's flags are: {@code
 * --etcd-servers}, {@code --etcd-cafile}, {@code --etcd-certfile}, {@code --etcd-keyfile} and
 * {@code --etcd-prefix}.
 */
public record EtcdConnection(
    List<URI> servers,
    Optional<Path> caFile,
    Optional<Path> certFile,
    Optional<Path> keyFile,
    String prefix) {

  /** kube-apiserver's default --etcd-prefix is /registry; ours keeps Flotilla's keys apart. */
  public static final String DEFAULT_PREFIX = "/flotilla";

  public EtcdConnection {
    if (servers.isEmpty()) {
      throw new IllegalArgumentException("--etcd-servers needs at least one URL");
    }
    for (URI u : servers) {
      if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) {
        throw new IllegalArgumentException(
            "--etcd-servers: " + u + " is not an http:// or https:// URL");
      }
    }
    if (certFile.isPresent() != keyFile.isPresent()) {
      throw new IllegalArgumentException("--etcd-certfile and --etcd-keyfile go together");
    }
    if (prefix.isEmpty() || !prefix.startsWith("/") || prefix.endsWith("/")) {
      throw new IllegalArgumentException(
          "--etcd-prefix must start with / and not end with one, e.g. /flotilla: " + prefix);
    }
  }

  /** Plain-text servers, from a comma-separated list, under {@code prefix}. */
  public static EtcdConnection of(String servers, String prefix) {
    return new EtcdConnection(
        parseServers(servers), Optional.empty(), Optional.empty(), Optional.empty(), prefix);
  }

  /** Parses {@code --etcd-servers}: comma-separated URLs. */
  public static List<URI> parseServers(String csv) {
    List<URI> out = new ArrayList<>();
    for (String s : csv.split(",")) {
      if (!s.isBlank()) {
        out.add(URI.create(s.trim()));
      }
    }
    return out;
  }

  /** A jetcd client on these servers, its keys under the prefix. */
  public Client connect() {
    return settings().build();
  }

  /** The jetcd client's settings, which {@link TxnCalls} sets its own channel up with too. */
  ClientBuilder settings() {
    ClientBuilder b =
        Client.builder()
            .endpoints(servers.toArray(URI[]::new))
            .namespace(ByteSequence.from(prefix, StandardCharsets.UTF_8))
            .connectTimeout(Duration.ofSeconds(5))
            // A member that died is retried on the others for a while, not given up at once.
            .retryMaxDuration(Duration.ofSeconds(60))
            .keepaliveTime(Duration.ofSeconds(10))
            .keepaliveTimeout(Duration.ofSeconds(5))
            // A list of many objects is one range response; gRPC's 4 MiB default refused a list
            // of 10,000 ConfigMaps (9 MB). kube-apiserver's etcd client takes up to 2 GiB too.
            .maxInboundMessageSize(Integer.MAX_VALUE)
            // Calls start on the caller's thread and answer on gRPC's (see InlineCalls).
            .executorService(new InlineCalls.CallerRuns())
            .interceptor(new InlineCalls.UnaryOnTransport());
    if (caFile.isPresent() || certFile.isPresent()) {
      try {
        b.sslContext(
            ssl -> {
              caFile.ifPresent(ca -> ssl.trustManager(ca.toFile()));
              if (certFile.isPresent()) {
                ssl.keyManager(certFile.get().toFile(), keyFile.get().toFile());
              }
            });
      } catch (javax.net.ssl.SSLException e) {
        throw new IllegalArgumentException("etcd TLS files: " + e.getMessage(), e);
      }
    }
    return b;
  }
}
