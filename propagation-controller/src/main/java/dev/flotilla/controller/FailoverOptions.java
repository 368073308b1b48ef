package dev.flotilla.controller;

import java.time.Duration;

/**
 * How the hub evicts workloads from failed clusters (Karmada's controller-manager flags of the same
 * names).
 *
 * @param noExecuteTaintEviction {@code --enable-no-execute-taint-eviction}: bindings that do not
 *     tolerate a Cluster's NoExecute taint are evicted from it (on by default in Flotilla; Karmada
 *     ships it off)
 * @param failoverEvictionTimeout {@code --failover-eviction-timeout}: how long a cluster stays
 *     unreachable or NotReady before the hub adds the NoExecute taint of the same key
 * @param gracefulEvictionTimeout {@code --graceful-eviction-timeout}: how long an evicted copy
 *     waits for its replacement to be healthy when its task has no gracePeriodSeconds
 * @param purgeMode {@code --no-execute-taint-eviction-purge-mode}: Gracefully or Directly, for
 *     bindings whose policy sets no {@code failover.cluster}
 */
public record FailoverOptions(
    boolean noExecuteTaintEviction,
    Duration failoverEvictionTimeout,
    Duration gracefulEvictionTimeout,
    String purgeMode) {
  public static final FailoverOptions DEFAULTS =
      new FailoverOptions(true, Duration.ofMinutes(5), Duration.ofMinutes(10), "Gracefully");

  public FailoverOptions {
    if (!"Gracefully".equals(purgeMode) && !"Directly".equals(purgeMode)) {
      throw new IllegalArgumentException(
          "purge mode must be Gracefully or Directly, not " + purgeMode);
    }
    if (failoverEvictionTimeout.isNegative() || gracefulEvictionTimeout.isNegative()) {
      throw new IllegalArgumentException("eviction timeouts cannot be negative");
    }
  }

  public FailoverOptions withEviction(boolean on) {
    return new FailoverOptions(on, failoverEvictionTimeout, gracefulEvictionTimeout, purgeMode);
  }

  public FailoverOptions withTimeouts(Duration failover, Duration graceful) {
    return new FailoverOptions(noExecuteTaintEviction, failover, graceful, purgeMode);
  }
}
