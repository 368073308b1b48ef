package dev.flotilla.apiserver.http;

import java.time.Duration;

/**
 * How long a connection may wait and how many may be unauthenticated at once.
 *
 * @param idleTimeout a keep-alive connection with no request in flight is closed after this long
 *     (kube-apiserver's http.Server: 90 s)
 * @param readHeaderTimeout a new connection must complete its TLS handshake and first request head
 *     within this (kube-apiserver: 32 s)
 * @param readBodyTimeout a request body must arrive whole within this after its head (as
 *     kube-apiserver's {@code --request-timeout}, 60 s)
 * @param maxUnauthenticated connections that have not yet sent an authenticated request; past it,
 *     the oldest such connection is closed, so a flood cannot lock out a client that authenticates
 */
public record ConnectionLimits(
    Duration idleTimeout,
    Duration readHeaderTimeout,
    Duration readBodyTimeout,
    int maxUnauthenticated) {
  public static final ConnectionLimits DEFAULT =
      new ConnectionLimits(
          Duration.ofSeconds(90), Duration.ofSeconds(32), Duration.ofSeconds(60), 1024);

  public ConnectionLimits {
    for (Duration d : new Duration[] {idleTimeout, readHeaderTimeout, readBodyTimeout}) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("connection timeouts must be positive, got " + d);
      }
    }
    if (maxUnauthenticated < 1) {
      throw new IllegalArgumentException(
          "the unauthenticated connection limit must be at least 1, got " + maxUnauthenticated);
    }
  }
}
