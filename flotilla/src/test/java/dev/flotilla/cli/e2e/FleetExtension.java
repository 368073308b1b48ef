package dev.flotilla.cli.e2e;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * One {@link Fleet} per test class: {@code @RegisterExtension static final FleetExtension FLEET =
 * new FleetExtension();}. Tests take namespaces of their own; when one fails, what the hub knows
 * about Clusters, bindings and Works is printed beside the failure.
 */
public final class FleetExtension
    implements BeforeAllCallback, AfterAllCallback, TestExecutionExceptionHandler {
  private final Fleet.Options options;
  private Fleet fleet;

  public FleetExtension() {
    this(Fleet.Options.defaults());
  }

  public FleetExtension(Fleet.Options options) {
    this.options = options;
  }

  public Fleet fleet() {
    if (fleet == null) {
      throw new IllegalStateException(
          "the fleet is started in @BeforeAll; register the extension on a static field");
    }
    return fleet;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    long start = System.nanoTime();
    fleet = Fleet.start(options);
    System.out.printf(
        "[e2e] %s: fleet of %d members ready in %d ms%n",
        context.getDisplayName(), options.members(), (System.nanoTime() - start) / 1_000_000);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (fleet != null) {
      fleet.close();
      fleet = null;
    }
  }

  @Override
  public void handleTestExecutionException(ExtensionContext context, Throwable throwable)
      throws Throwable {
    if (fleet != null) {
      System.out.println(
          "[e2e] " + context.getDisplayName() + " failed; the hub has:\n" + fleet.describe(null));
    }
    throw throwable;
  }
}
