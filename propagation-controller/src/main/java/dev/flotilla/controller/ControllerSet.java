package dev.flotilla.controller;

import dev.flotilla.controller.binding.ApplicationFailoverController;
import dev.flotilla.controller.binding.BindingController;
import dev.flotilla.controller.binding.GracefulEvictionController;
import dev.flotilla.controller.cluster.ClusterHealthController;
import dev.flotilla.controller.cluster.ClusterTaintPolicyController;
import dev.flotilla.controller.cluster.TaintManager;
import dev.flotilla.controller.detector.ResourceDetector;
import dev.flotilla.controller.interpreter.HubInterpreter;
import dev.flotilla.controller.mcs.McsHubController;
import dev.flotilla.controller.runtime.DecodeGuard;
import dev.flotilla.controller.runtime.HubInformers;
import dev.flotilla.controller.runtime.Precedence;
import dev.flotilla.controller.runtime.UndecodableReporter;
import dev.flotilla.workqueue.StartupTimeline;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controllers of one leadership term, on a client of their own: closing the set closes the
 * controllers (newest first, so none reads an informer already gone), their informers, and then the
 * client, which ends any watch or connection a controller left behind. Nothing of one term survives
 * into the next.
 */
final class ControllerSet implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ControllerSet.class);

  private final KubernetesClient client;
  private final UndecodableReporter undecodable;
  private final Deque<AutoCloseable> running = new ArrayDeque<>();

  private ControllerSet(KubernetesClient client, UndecodableReporter undecodable) {
    this.client = client;
    this.undecodable = undecodable;
  }

  /**
   * Starts every controller against {@code hub}'s API, or returns null when {@code wanted} turns
   * false meanwhile (leadership lost while informers were still syncing); throws, with everything
   * already started closed, when a controller cannot start.
   */
  static ControllerSet start(
      KubernetesClient hub,
      String derivedServicePrefix,
      FailoverOptions failover,
      BooleanSupplier wanted) {
    UndecodableReporter undecodable = new UndecodableReporter(ControllerManager.COMPONENT);
    KubernetesClient client = DecodeGuard.client(hub, undecodable::report);
    undecodable.recordingWith(client);
    ControllerSet set = new ControllerSet(client, undecodable);
    try {
      // Every controller adds its handlers first; the shared informers then list once, together.
      HubInformers informers = HubInformers.startingTogether(client);
      set.running.push(informers); // closed last
      set.add(new ClusterHealthController(client, failover.failoverEvictionTimeout()), wanted);
      // Built before the detector starts listing every template: it syncs informers of its own,
      // and the shared lists (startAll) should not wait behind them.
      set.add(new McsHubController(client, derivedServicePrefix), wanted);
      HubInterpreter interpreter = new HubInterpreter(client, informers);
      set.add(interpreter, wanted);
      // New templates and bindings placed before placed ones fan out, if asked for (Precedence).
      Precedence precedence = Precedence.forHub();
      ResourceDetector detector = new ResourceDetector(client, informers, interpreter, precedence);
      set.add(detector, wanted);
      set.add(
          new dev.flotilla.controller.scheduler.SchedulerController(client, informers, precedence),
          wanted);
      set.add(
          new BindingController(client, informers, detector.templates(), interpreter, precedence),
          wanted);
      set.add(
          new dev.flotilla.controller.dependencies.DependenciesDistributor(
              client, informers, detector.templates(), interpreter),
          wanted);
      set.add(new ClusterTaintPolicyController(client, informers), wanted);
      set.add(
          new dev.flotilla.controller.quota.FederatedResourceQuotaController(client, informers),
          wanted);
      if (failover.noExecuteTaintEviction()) {
        set.add(new TaintManager(client, informers, failover.purgeMode()), wanted);
      }
      set.add(new ApplicationFailoverController(client, informers), wanted);
      set.add(
          new GracefulEvictionController(client, informers, failover.gracefulEvictionTimeout()),
          wanted);
      set.add(
          new dev.flotilla.controller.rebalancer.WorkloadRebalancerController(client, informers),
          wanted);
      if (!informers.startAll(wanted)) {
        set.close();
        return null;
      }
      StartupTimeline.first("shared informers synced");
      if (!wanted.getAsBoolean()) {
        set.close();
        return null;
      }
      return set;
    } catch (Abandoned e) {
      set.close();
      return null;
    } catch (RuntimeException | Error e) {
      set.close();
      throw e;
    }
  }

  private void add(AutoCloseable controller, BooleanSupplier wanted) {
    // Constructors return once their own informers have listed; the shared ones list later, all
    // together (startAll), and the controllers that read them start reconciling after that.
    StartupTimeline.first("built " + controller.getClass().getSimpleName());
    running.push(controller);
    if (!wanted.getAsBoolean()) {
      throw new Abandoned();
    }
  }

  /** Closes what runs, newest first; idempotent. */
  @Override
  public synchronized void close() {
    while (!running.isEmpty()) {
      AutoCloseable c = running.pop();
      try {
        c.close();
      } catch (Exception | Error e) {
        LOG.warn("could not stop " + c.getClass().getSimpleName(), e);
      }
    }
    undecodable.close();
    client.close();
  }

  /** Leadership ended while the set was starting. */
  private static final class Abandoned extends RuntimeException {
    Abandoned() {
      super(null, null, false, false);
    }
  }
}
