package dev.flotilla.apiserver.it;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The set-up of the ITs that drive one hub with fabric8: a hub started for the class with an admin
 * client on it, both closed after the class. Registered with {@code @RegisterExtension}; it runs
 * before the class's own {@code @BeforeAll}, which may use {@link #admin()}.
 */
public final class Fabric8Hub implements BeforeAllCallback, AfterAllCallback {
  private final Supplier<TestHub> starter;
  private TestHub hub;
  private KubernetesClient admin;

  private Fabric8Hub(Supplier<TestHub> starter) {
    this.starter = starter;
  }

  /** A hub as {@link TestHub#start()} makes it. */
  public static Fabric8Hub plain() {
    return new Fabric8Hub(TestHub::start);
  }

  /** A hub whose token file names the RBAC tests' users ({@link RbacUsers}). */
  public static Fabric8Hub withRbacUsers() {
    return new Fabric8Hub(RbacUsers::startHub);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    hub = starter.get();
    admin = hub.client();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (admin != null) {
      admin.close();
    }
    if (hub != null) {
      hub.close();
    }
  }

  public TestHub hub() {
    return hub;
  }

  /** The admin's client. */
  public KubernetesClient admin() {
    return admin;
  }
}
