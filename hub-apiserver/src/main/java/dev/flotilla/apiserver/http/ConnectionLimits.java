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
 * @param maxWatchBufferBytes bytes all watch streams together may hold for clients that read slowly
 *     (each is also capped at 16 MiB); past it the slowest watches are cut off
 */
public record ConnectionLimits(
    Duration idleTimeout,
    Duration readHeaderTimeout,
    Duration readBodyTimeout,
    int maxUnauthenticated,
    long maxWatchBufferBytes) {
  /** A quarter of the heap, at most 1 GiB. */
  public static final long DEFAULT_WATCH_BUFFER_BYTES =
      Math.min(1L << 30, Runtime.getRuntime().maxMemory() / 4);

  public static final ConnectionLimits DEFAULT =
      new ConnectionLimits(
          Duration.ofSeconds(90),
          Duration.ofSeconds(32),
          Duration.ofSeconds(60),
          1024,
          DEFAULT_WATCH_BUFFER_BYTES);

  /** With the default watch buffer cap. */
  public ConnectionLimits(
      Duration idleTimeout,
      Duration readHeaderTimeout,
      Duration readBodyTimeout,
      int maxUnauthenticated) {
    this(
        idleTimeout,
        readHeaderTimeout,
        readBodyTimeout,
        maxUnauthenticated,
        DEFAULT_WATCH_BUFFER_BYTES);
  }

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
    if (maxWatchBufferBytes < 1 << 20) {
      throw new IllegalArgumentException(
          "the watch buffer limit must be at least 1 MiB, got " + maxWatchBufferBytes);
    }
  }
}
