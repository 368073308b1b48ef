package dev.flotilla.store.etcd;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Tests that need a real etcd skip, visibly, where none is installed; CI must have one. */
final class EtcdTests {
  private EtcdTests() {}

  static void requireEtcd() {
    boolean installed = LocalEtcd.binary().isPresent();
    if (!installed && "true".equals(System.getenv("CI"))) {
      fail("etcd is not installed, and CI must run the etcd tests: .ci/run installs etcd-server");
    }
    assumeTrue(installed, "SKIPPED: etcd is not installed (apt-get install etcd-server)");
  }
}
