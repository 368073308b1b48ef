package dev.flotilla.cli;

import dev.flotilla.apiserver.http.ConnectionLimits;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The hub's connection limits as flags: timeouts (Go durations) and the unauthenticated cap. */
public final class ConnectionFlags {
  @Option(
      names = "--idle-timeout",
      defaultValue = "90s",
      converter = GoDurationConverter.class,
      description =
          "Close a keep-alive connection with no request in flight after this long"
              + " (default: ${DEFAULT-VALUE}, as kube-apiserver).")
  Duration idle;

  @Option(
      names = "--read-header-timeout",
      defaultValue = "32s",
      converter = GoDurationConverter.class,
      description =
          "Close a new connection whose TLS handshake and first request head take longer"
              + " (default: ${DEFAULT-VALUE}, as kube-apiserver).")
  Duration readHeader;

  @Option(
      names = "--read-body-timeout",
      defaultValue = "60s",
      converter = GoDurationConverter.class,
      description =
          "Close a connection whose request body is not whole this long after its head"
              + " (default: ${DEFAULT-VALUE}, kube-apiserver's --request-timeout).")
  Duration readBody;

  @Option(
      names = "--max-unauthenticated-connections",
      defaultValue = "1024",
      description =
          "Connections that have not yet sent an authenticated request; past it the oldest is"
              + " closed (default: ${DEFAULT-VALUE}).")
  int maxUnauthenticated;

  @Option(
      names = "--max-watch-buffer-bytes",
      description =
          "Bytes all watches together may hold for slow readers; past it the slowest watches are"
              + " cut off and re-list (default: a quarter of the heap, at most 1 GiB).")
  Long maxWatchBuffer;

  @Option(
      names = "--http2",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Offer HTTP/2 (ALPN h2, 1,000 streams per connection) beside HTTP/1.1, as kube-apiserver"
              + " does: a client's requests and watches share one connection. --no-http2 serves"
              + " HTTP/1.1 only (default: ${DEFAULT-VALUE}).")
  boolean http2;

  ConnectionLimits toLimits() {
    return new ConnectionLimits(
        idle,
        readHeader,
        readBody,
        maxUnauthenticated,
        maxWatchBuffer == null ? ConnectionLimits.DEFAULT_WATCH_BUFFER_BYTES : maxWatchBuffer);
  }
}
