package dev.flotilla.store.etcd;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Tests that need a real etcd skip, visibly, where none is installed; CI must have one. */
final class EtcdTests {
  private EtcdTests() {}

  static void requireEtcd() {
    assumeTrue(
        LocalEtcd.availableForTests(),
        "SKIPPED: etcd is not installed (apt-get install etcd-server)");
  }
}
