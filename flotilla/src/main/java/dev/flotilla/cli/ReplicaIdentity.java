package dev.flotilla.cli;

import java.net.InetAddress;
import java.util.UUID;

/**
 * This replica's name in the controllers' Lease: host name and a random suffix, as
 * kube-controller-manager's {@code <hostname>_<uuid>}. A pid alone is 1 in every container, so two
 * replicas would both believe they hold the lease.
 */
final class ReplicaIdentity {
  private static final String ID = host() + "_" + UUID.randomUUID();

  private ReplicaIdentity() {}

  static String get() {
    return ID;
  }

  private static String host() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      return "flotilla";
    }
  }
}
