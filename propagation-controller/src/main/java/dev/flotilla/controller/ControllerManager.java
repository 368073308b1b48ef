package dev.flotilla.controller;

import dev.flotilla.controller.binding.BindingController;
import dev.flotilla.controller.cluster.ClusterHealthController;
import dev.flotilla.controller.detector.ResourceDetector;
import dev.flotilla.controller.mcs.McsHubController;
import dev.flotilla.controller.runtime.HubInformers;
import dev.flotilla.controller.scheduler.SchedulerController;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Logger;

/**
 * Runs the federation controllers while this process holds the {@code
 * karmada-system/flotilla-controller-manager} Lease on the hub, so several hubs can share one store
 * with one active set of controllers.
 */
public final class ControllerManager implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ControllerManager.class.getName());
  public static final String LEASE_NAMESPACE = "karmada-system";
  public static final String LEASE_NAME = "flotilla-controller-manager";

  private final KubernetesClient hub;
  private final String identity;
  private final List<AutoCloseable> running = new ArrayList<>();
  private CompletableFuture<?> election;
  private volatile String derivedServicePrefix = McsHubController.DEFAULT_PREFIX;

  public ControllerManager(KubernetesClient hub, String identity) {
    this.hub = hub;
    this.identity = identity;
  }

  /** The prefix of derived Services in consumer clusters (MCS); set before {@link #start()}. */
  public ControllerManager derivedServicePrefix(String prefix) {
    this.derivedServicePrefix = prefix;
    return this;
  }

  /** Joins the leader election; controllers start when this process leads. */
  public ControllerManager start() {
    ensureNamespace(LEASE_NAMESPACE);
    election =
        hub.leaderElector()
            .withConfig(
                new LeaderElectionConfigBuilder()
                    .withName(LEASE_NAME)
                    .withLock(new LeaseLock(LEASE_NAMESPACE, LEASE_NAME, identity))
                    .withLeaseDuration(Duration.ofSeconds(15))
                    .withRenewDeadline(Duration.ofSeconds(10))
                    .withRetryPeriod(Duration.ofSeconds(2))
                    .withReleaseOnCancel(true)
                    .withLeaderCallbacks(
                        new LeaderCallbacks(
                            this::startControllers,
                            this::stopControllers,
                            leader -> LOG.info("controller-manager leader is " + leader)))
                    .build())
            .build()
            .start();
    return this;
  }

  private synchronized void startControllers() {
    LOG.info(identity + " leads: starting controllers");
    HubInformers informers = new HubInformers(hub);
    running.add(new ClusterHealthController(hub));
    ResourceDetector detector = new ResourceDetector(hub, informers);
    running.add(detector);
    running.add(new SchedulerController(hub, informers));
    running.add(new BindingController(hub, informers, detector.templates()));
    running.add(new McsHubController(hub, derivedServicePrefix));
    running.add(informers); // closed after the controllers that use it
  }

  private synchronized void stopControllers() {
    LOG.info(identity + " stopped leading: stopping controllers");
    for (AutoCloseable c : running) {
      try {
        c.close();
      } catch (Exception ignored) {
        // stopping anyway
      }
    }
    running.clear();
  }

  public synchronized boolean leading() {
    return !running.isEmpty();
  }

  private void ensureNamespace(String name) {
    if (hub.namespaces().withName(name).get() == null) {
      try {
        hub.namespaces()
            .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
            .create();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
      }
    }
  }

  @Override
  public void close() {
    if (election != null) {
      election.cancel(true);
    }
    stopControllers();
  }
}
