package dev.flotilla.apiserver.it;

import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.flotilla.fixtures.KubectlRunner;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The set-up of the ITs that drive a hub with every stock kubectl: the class is skipped, visibly,
 * where no {@code kubectl.1.N} is installed; otherwise a hub is started for the class, with a
 * {@link KubectlRunner.Pool} of runners (one namespace per binary) on its admin kubeconfig. Both
 * are closed after the class. Registered with {@code @RegisterExtension}.
 */
final class KubectlHub implements BeforeAllCallback, AfterAllCallback {
  private final String namespacePrefix;
  private TestHub hub;
  private KubectlRunner.Pool pool;

  private KubectlHub(String namespacePrefix) {
    this.namespacePrefix = namespacePrefix;
  }

  /** Runners whose namespaces are {@code <namespacePrefix>-1-<minor>}. */
  static KubectlHub withNamespacePrefix(String namespacePrefix) {
    return new KubectlHub(namespacePrefix);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    assumeFalse(KubectlRunner.installed().isEmpty(), KubectlRunner.notInstalledMessage());
    hub = TestHub.start();
    pool = new KubectlRunner.Pool(hub.kubeconfig(), namespacePrefix);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (pool != null) {
      pool.close();
    }
    if (hub != null) {
      hub.close();
    }
  }

  TestHub hub() {
    return hub;
  }

  KubectlRunner.Pool pool() {
    return pool;
  }
}
