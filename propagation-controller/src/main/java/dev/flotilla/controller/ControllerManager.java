package dev.flotilla.controller;

import dev.flotilla.controller.runtime.Namespaces;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the federation controllers while this process holds the {@code
 * karmada-system/flotilla-controller-manager} Lease on the hub, so several hubs can share one store
 * with one active set of controllers.
 *
 * <p>A replica that loses its lease (a renewal missed after a GC pause, a stopped process, a
 * starved CPU, another replica taking over) stops its controllers and goes back to candidate at
 * once, as kube-controller-manager's replicas do, and leads again when the lease is free. Each term
 * gets fresh controllers on a fresh client ({@link ControllerSet}); start and stop run on one
 * thread, in order, and are idempotent. {@link #readinessFailure()} says whether the federation's
 * controllers run from this replica's point of view.
 */
public final class ControllerManager implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ControllerManager.class);
  public static final String LEASE_NAMESPACE = "karmada-system";
  public static final String LEASE_NAME = "flotilla-controller-manager";

  /** The component that reports in Events. */
  static final String COMPONENT = "flotilla-controller-manager";

  private final KubernetesClient hub;
  private final String identity;
  private final ScheduledExecutorService terms;
  private final AtomicInteger termsStarted = new AtomicInteger();
  private volatile String derivedServicePrefix; // null: by import origin (derived- or amcs-)
  private volatile LeaderElection timings = LeaderElection.DEFAULTS;
  private volatile FailoverOptions failover = FailoverOptions.DEFAULTS;
  private volatile ObservedLease lease;
  private volatile boolean leading; // the elector says so; controllers may still be starting
  private volatile boolean closed;
  private ControllerSet running; // confined to the terms thread
  private AutoCloseable companionRunning; // confined to the terms thread
  private volatile Supplier<? extends AutoCloseable> companion;
  private volatile boolean controllersRunning;
  private CompletableFuture<?> election;

  public ControllerManager(KubernetesClient hub, String identity) {
    this.hub = hub;
    this.identity = identity;
    this.terms =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "controller-manager-" + identity);
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * The prefix of every derived Service in consumer clusters (MCS), or null (the default) for
   * {@code derived-} on imports propagated from the hub and {@code amcs-} on imports created in the
   * member; set before {@link #start()}.
   */
  public ControllerManager derivedServicePrefix(String prefix) {
    this.derivedServicePrefix = prefix;
    return this;
  }

  /**
   * More controllers to run in each term, before the federation's own: the hub's built-in
   * controllers (GC, namespaces, CRDs, root CA, ServiceAccounts, CSRs), so they too run in exactly
   * one replica and start afresh whenever it leads again. Set before {@link #start()}.
   */
  public ControllerManager alsoWhileLeading(Supplier<? extends AutoCloseable> controllers) {
    this.companion = controllers;
    return this;
  }

  /** Lease duration, renew deadline and retry period; set before {@link #start()}. */
  public ControllerManager leaderElection(LeaderElection timings) {
    this.timings = timings;
    return this;
  }

  /** Taint eviction and graceful eviction settings; set before {@link #start()}. */
  public ControllerManager failover(FailoverOptions options) {
    this.failover = options;
    return this;
  }

  /** Joins the leader election; controllers start when this process leads. */
  public ControllerManager start() {
    Namespaces.ensure(hub, LEASE_NAMESPACE);
    lease =
        new ObservedLease(
            new LeaseLock(LEASE_NAMESPACE, LEASE_NAME, identity),
            System::nanoTime,
            () -> ZonedDateTime.now(ZoneOffset.UTC));
    submit(this::join, Duration.ZERO);
    return this;
  }

  /** Runs on the terms thread: one candidacy, and another when it ends, until closed. */
  private void join() {
    if (closed) {
      return;
    }
    LeaderElection t = timings;
    CompletableFuture<?> candidacy;
    try {
      candidacy =
          hub.leaderElector()
              .withConfig(
                  new LeaderElectionConfigBuilder()
                      .withName(LEASE_NAME)
                      .withLock(lease)
                      .withLeaseDuration(t.leaseDuration())
                      .withRenewDeadline(t.renewDeadline())
                      .withRetryPeriod(t.retryPeriod())
                      .withReleaseOnCancel(true)
                      .withLeaderCallbacks(
                          new LeaderCallbacks(
                              this::startedLeading,
                              this::stoppedLeading,
                              leader -> LOG.info("controller-manager leader is " + leader)))
                      .build())
              .build()
              .start();
    } catch (RuntimeException e) {
      LOG.warn(identity + ": could not join the leader election; retrying", e);
      submit(this::join, t.retryPeriod());
      return;
    }
    election = candidacy;
    candidacy.whenComplete(
        (v, err) -> {
          // Leadership lost (or never won before a cancel): stop whatever still runs, then stand
          // again. A replica must never sit out the election for good.
          leading = false;
          submit(this::stopControllers, Duration.ZERO);
          if (!closed) {
            LOG.info(identity + " is a candidate again for the controller-manager lease");
            submit(this::join, t.retryPeriod());
          }
        });
  }

  private void startedLeading() {
    leading = true;
    submit(this::startControllers, Duration.ZERO);
  }

  private void stoppedLeading() {
    leading = false;
    submit(this::stopControllers, Duration.ZERO);
  }

  /** Terms thread only. */
  private void startControllers() {
    if (running != null || !leading || closed) {
      return;
    }
    LOG.info(identity + " leads: starting controllers");
    dev.flotilla.workqueue.StartupTimeline.first("leading");
    try {
      Supplier<? extends AutoCloseable> more = companion;
      if (more != null && companionRunning == null) {
        companionRunning = more.get();
      }
      running = ControllerSet.start(hub, derivedServicePrefix, failover, () -> leading && !closed);
    } catch (RuntimeException | Error e) {
      stopCompanion();
      // A replica that leads but cannot run its controllers gives the lease up for another one
      // (or itself, a retry period later) rather than hold it idle.
      LOG.warn(identity + ": controllers failed to start; giving up the lease", e);
      CompletableFuture<?> current = election;
      if (current != null) {
        current.cancel(true);
      }
      return;
    }
    if (running == null) {
      LOG.info(identity + ": leadership ended while controllers were starting");
      stopCompanion();
      return;
    }
    termsStarted.incrementAndGet();
    controllersRunning = true;
    dev.flotilla.workqueue.StartupTimeline.first("controllers started");
  }

  /** Terms thread only; idempotent. */
  private void stopControllers() {
    stopCompanion();
    if (running == null) {
      return;
    }
    LOG.info(identity + " stopped leading: stopping controllers");
    controllersRunning = false;
    running.close();
    running = null;
  }

  /** Terms thread only; idempotent. */
  private void stopCompanion() {
    AutoCloseable c = companionRunning;
    companionRunning = null;
    if (c != null) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.warn(identity + ": stopping the hub's built-in controllers", e);
      }
    }
  }

  /** Whether this replica's controllers run now. */
  public boolean leading() {
    return controllersRunning;
  }

  /** How many terms of controllers this manager has started (a test's view of re-election). */
  public int termsStarted() {
    return termsStarted.get();
  }

  /**
   * Empty while the federation's controllers run as far as this replica can tell: its own, or
   * another replica's that holds a live lease (so a standby is ready, as a load balancer wants).
   * Otherwise why not: between a lost lease and the next term, or while no replica leads. Answers
   * from memory; safe on an event loop.
   */
  public Optional<String> readinessFailure() {
    if (closed) {
      return Optional.of("the controller manager is shut down");
    }
    if (controllersRunning) {
      return Optional.empty();
    }
    ObservedLease l = lease;
    if (l != null) {
      Optional<String> other = l.liveOtherHolder(timings.leaseDuration());
      if (other.isPresent()) {
        return Optional.empty();
      }
    }
    String holder = l == null ? null : l.lastHolder();
    return Optional.of(
        "controllers are not running: "
            + (leading
                ? "this replica (" + identity + ") leads and is starting them"
                : "this replica ("
                    + identity
                    + ") does not lead and no other replica holds a live lease"
                    + (holder == null || holder.isEmpty() ? "" : " (last holder " + holder + ")")));
  }

  private void submit(Runnable task, Duration delay) {
    try {
      terms.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // closed
    }
  }

  /** Leaves the election (releasing the lease if held) and stops the controllers; idempotent. */
  @Override
  public void close() {
    closed = true;
    leading = false;
    CompletableFuture<?> current;
    try {
      current = terms.submit(() -> election).get();
    } catch (Exception e) {
      current = election;
    }
    if (current != null) {
      current.cancel(true);
    }
    try {
      terms.submit(this::stopControllers).get();
    } catch (Exception e) {
      LOG.debug("stopping controllers on close", e);
    }
    terms.shutdownNow();
  }
}
