package dev.flotilla.agent;

import dev.flotilla.agent.execution.ExecutionController;
import dev.flotilla.agent.heartbeat.LeaseHeartbeat;
import dev.flotilla.agent.kube.ApiErrors;
import dev.flotilla.agent.mcs.McsAgentController;
import dev.flotilla.agent.registration.ClusterRegistration;
import dev.flotilla.agent.registration.McsCrdInstaller;
import dev.flotilla.agent.status.ClusterStatusController;
import dev.flotilla.agent.status.ReadyThreshold;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pull-mode member agent (Karmada's karmada-agent): registers the member as a Cluster on the
 * hub, renews its lease, reports Cluster status, and runs the execution controller that applies the
 * hub's Works to the member. Every loop survives hub or member outages and retries.
 */
public final class MemberAgent implements AutoCloseable {
  public static final String NAME = "member-agent";
  private static final Logger LOG = LoggerFactory.getLogger(MemberAgent.class);

  private final AgentConfig config;
  private final Clock clock;
  private final AgentThreads shared;
  private final AtomicInteger generation = new AtomicInteger();
  private final AtomicBoolean registered = new AtomicBoolean();
  private final AtomicBoolean mcsCrdsInstalled = new AtomicBoolean();
  private volatile boolean stopping;
  private KubernetesClient hub;
  private KubernetesClient member;
  private ScheduledExecutorService loops;
  private ExecutionController execution;
  private McsAgentController mcs;

  public MemberAgent(AgentConfig config) {
    this(config, Clock.systemUTC());
  }

  public MemberAgent(AgentConfig config, Clock clock) {
    this(config, clock, null);
  }

  /**
   * An agent whose loops and reconciles run on {@code shared} threads (null: threads of its own),
   * for many agents in one process; what it does and when is the same.
   */
  public MemberAgent(AgentConfig config, Clock clock, AgentThreads shared) {
    this.config = config;
    this.clock = clock;
    this.shared = shared;
  }

  public AgentConfig config() {
    return config;
  }

  /** Starts all loops and returns at once; the hub and member need not be reachable yet. */
  public synchronized MemberAgent start() {
    if (loops != null) {
      throw new IllegalStateException(NAME + " " + config.clusterName() + " already started");
    }
    registered.set(false);
    stopping = false;
    hub = config.hub().open();
    member = config.member().open();
    String endpoint =
        config.apiEndpoint() != null ? config.apiEndpoint() : member.getMasterUrl().toString();
    ClusterRegistration registration = new ClusterRegistration(hub, member, config, endpoint);
    LeaseHeartbeat heartbeat =
        new LeaseHeartbeat(hub, config.clusterName(), config.leaseDuration(), clock);
    ClusterStatusController status =
        new ClusterStatusController(
            hub,
            member,
            config.clusterName(),
            clock,
            new ReadyThreshold(config.successThreshold(), config.failureThreshold(), clock),
            () -> registered.set(false));
    AtomicInteger threads = new AtomicInteger();
    generation.incrementAndGet();
    loops =
        shared != null
            ? shared.timer()
            : Executors.newScheduledThreadPool(
                3,
                r -> {
                  Thread t =
                      new Thread(
                          r, NAME + "-" + config.clusterName() + "-" + threads.incrementAndGet());
                  t.setDaemon(true);
                  return t;
                });
    long renewMs = config.renewInterval().toMillis();
    every(
        ClusterRegistration.NAME,
        renewMs,
        () -> {
          if (!registered.get()) {
            registration.register();
            registered.set(true);
          }
        });
    // A renewal that failed, or came so late that the lease may have looked expired to the hub
    // (more than half its duration after the previous one), may have let the hub mark the Cluster
    // Ready=Unknown: the status loop then reads the Cluster instead of trusting what it last wrote.
    long lateNanos = config.leaseDuration().toNanos() / 2;
    long[] lastRenewed = {0};
    every(
        LeaseHeartbeat.NAME,
        renewMs,
        () -> {
          try {
            heartbeat.renew();
          } catch (RuntimeException e) {
            status.forget();
            throw e;
          }
          long now = System.nanoTime();
          if (lastRenewed[0] != 0 && now - lastRenewed[0] > lateNanos) {
            status.forget();
          }
          lastRenewed[0] = now;
        });
    McsCrdInstaller mcsCrds = new McsCrdInstaller(member, config.clusterName());
    mcsCrdsInstalled.set(false);
    every(
        McsCrdInstaller.NAME,
        renewMs,
        () -> {
          if (!mcsCrdsInstalled.get()) {
            mcsCrds.install();
            mcsCrdsInstalled.set(true);
          }
        });
    every(
        ClusterStatusController.NAME,
        config.statusInterval().toMillis(),
        () -> {
          if (registered.get()) {
            status.sync();
          }
        });
    execution =
        new ExecutionController(
            hub,
            member,
            config.executionNamespace(),
            config.workers(),
            config.resyncPeriod(),
            clock,
            shared == null ? null : shared.workers());
    execution.start();
    mcs =
        new McsAgentController(
                hub,
                member,
                config.clusterName(),
                clock,
                shared == null ? null : shared.workers(),
                shared == null ? null : shared.timer())
            .start();
    LOG.info(NAME + " started for cluster " + config.clusterName() + " (member " + endpoint + ")");
    return this;
  }

  /** Runs {@code task} now and then every {@code periodMs}, logging (not dying on) failures. */
  private void every(String name, long periodMs, Runnable task) {
    Runnable guarded =
        () -> {
          try {
            task.run();
          } catch (RuntimeException e) {
            if (stopping) {
              return;
            }
            LOG.warn(
                name + " for cluster " + config.clusterName() + " failed: " + ApiErrors.message(e));
          }
        };
    if (shared == null) {
      loops.scheduleWithFixedDelay(guarded, 0, periodMs, TimeUnit.MILLISECONDS);
      return;
    }
    // Shared threads: the timer only fires; the work runs on the pool, and the next run is
    // scheduled when this one ends (a fixed delay, as above). A stopped or restarted agent's old
    // cycle ends at its next turn.
    int mine = generation.get();
    java.util.concurrent.ExecutorService pool =
        name.equals(LeaseHeartbeat.NAME) ? shared.heartbeats() : shared.workers();
    Runnable[] cycle = new Runnable[1];
    cycle[0] =
        () ->
            pool.execute(
                () -> {
                  if (stopping || generation.get() != mine) {
                    return;
                  }
                  guarded.run();
                  if (!stopping && generation.get() == mine) {
                    shared.timer().schedule(cycle[0], periodMs, TimeUnit.MILLISECONDS);
                  }
                });
    shared.timer().execute(cycle[0]);
  }

  /** True once the Cluster object has been created or updated on the hub. */
  public boolean registered() {
    return registered.get();
  }

  /** True once the MCS CRDs are known to be in the member (installed now or found there). */
  public boolean mcsCrdsInstalled() {
    return mcsCrdsInstalled.get();
  }

  /** True once the agent has listed its Works on the hub at least once. */
  public boolean worksSynced() {
    return execution != null && execution.hasSynced();
  }

  /** Stops every loop and closes the clients the agent built; the member is left as it is. */
  public synchronized void stop() {
    if (loops == null) {
      return;
    }
    stopping = true;
    execution.close();
    if (mcs != null) {
      mcs.close();
      mcs = null;
    }
    generation.incrementAndGet();
    if (shared == null) {
      loops.shutdownNow();
      try {
        loops.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (config.hub().ownedByAgent()) {
      hub.close();
    }
    if (config.member().ownedByAgent()) {
      member.close();
    }
    loops = null;
    execution = null;
    LOG.info(NAME + " stopped for cluster " + config.clusterName());
  }

  @Override
  public void close() {
    stop();
  }
}
