package dev.flotilla.sim;

import dev.flotilla.apiserver.HubServer;
import dev.flotilla.apiserver.ServerRuntime;
import dev.flotilla.apiserver.auth.KubeconfigContext;
import dev.flotilla.sim.engine.SimThreads;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Several simulated members started together: {@code member1..N} with distinct regions, zones and
 * address ranges, and their kubeconfig contexts for the hub's kubeconfig. The members share one set
 * of event loops, API workers and simulator threads, so a hundred of them cost a few dozen threads.
 */
public final class SimulatedFleet implements AutoCloseable {
  /** Where the members keep their objects. */
  public enum MemberStore {
    /** SQLite in each member's data directory, as a hub keeps them: survives a restart. */
    DURABLE,
    /** Memory only: cheaper, for benchmarks where the members' durability is not measured. */
    MEMORY
  }

  private final List<SimulatedMember> members;
  private final ServerRuntime runtime;
  private final SimThreads simThreads;

  private SimulatedFleet(
      List<SimulatedMember> members, ServerRuntime runtime, SimThreads simThreads) {
    this.members = List.copyOf(members);
    this.runtime = runtime;
    this.simThreads = simThreads;
  }

  /**
   * Starts {@code count} members named member1..N with the defaults of {@link MemberCluster#of},
   * each in {@code baseDir/memberN} on an ephemeral port.
   */
  public static SimulatedFleet start(Path baseDir, int count) {
    return start(baseDir, count, MemberStore.DURABLE);
  }

  /** As {@link #start(Path, int)}, the members storing as {@code store} says. */
  public static SimulatedFleet start(Path baseDir, int count, MemberStore store) {
    List<MemberCluster> clusters = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      clusters.add(MemberCluster.of("member" + i, i, baseDir.resolve("member" + i)));
    }
    return start(clusters, store);
  }

  /** Whether members offer HTTP/2 ({@code -Dflotilla.sim.http2=false} keeps them on HTTP/1.1). */
  static final boolean SIM_HTTP2 =
      Boolean.parseBoolean(System.getProperty("flotilla.sim.http2", "true"));

  /** Whether the members this process starts offer HTTP/2. */
  public static boolean offersHttp2() {
    return SIM_HTTP2;
  }

  /** Starts the given members with durable stores. */
  public static SimulatedFleet start(List<MemberCluster> clusters) {
    return start(clusters, MemberStore.DURABLE);
  }

  /** Starts the given members in parallel; if one fails, the others are stopped again. */
  public static SimulatedFleet start(List<MemberCluster> clusters, MemberStore store) {
    ServerRuntime runtime = fleetRuntime();
    SimThreads simThreads = SimThreads.create("sim");
    // HTTP/2 as a real member's API server offers it: each agent's watches and requests share one
    // connection, where HTTP/1.1 held one per watch (7 per agent, both ends in this process).
    HubServer.Hosting hosting =
        new HubServer.Hosting(runtime, store == MemberStore.MEMORY, SIM_HTTP2);
    // Own threads for the start (key generation dominates): the common pool may have one thread.
    ExecutorService threads =
        Executors.newFixedThreadPool(
            Math.max(1, Math.min(clusters.size(), 16)),
            r -> {
              Thread t = new Thread(r, "sim-fleet-start");
              t.setDaemon(true);
              return t;
            });
    List<CompletableFuture<SimulatedMember>> starting = new ArrayList<>();
    for (MemberCluster c : clusters) {
      starting.add(
          CompletableFuture.supplyAsync(
              () -> SimulatedMember.start(c, hosting, simThreads), threads));
    }
    threads.shutdown();
    List<SimulatedMember> started = new ArrayList<>();
    RuntimeException failure = null;
    for (CompletableFuture<SimulatedMember> f : starting) {
      try {
        started.add(f.join());
      } catch (CompletionException e) {
        if (failure == null) {
          failure = e.getCause() instanceof RuntimeException ? (RuntimeException) e.getCause() : e;
        }
      }
    }
    if (failure != null) {
      started.forEach(SimulatedMember::close);
      simThreads.close();
      runtime.close();
      throw failure;
    }
    return new SimulatedFleet(started, runtime, simThreads);
  }

  /** Event loops and API workers for all members: as many as one API server would have. */
  private static ServerRuntime fleetRuntime() {
    int cores = Runtime.getRuntime().availableProcessors();
    return ServerRuntime.create(
        Math.max(2, cores), Math.max(4, 2 * cores), ServerRuntime.DEFAULT_MAX_EVENT_LOOP_MILLIS);
  }

  public List<SimulatedMember> members() {
    return members;
  }

  /** The member named {@code name}. */
  public SimulatedMember member(String name) {
    return members.stream()
        .filter(m -> m.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no member named " + name));
  }

  /** One kubeconfig context per member, named after it, to append to the hub's kubeconfig. */
  public List<KubeconfigContext> kubeconfigContexts() {
    return members.stream().map(SimulatedMember::kubeconfigContext).toList();
  }

  @Override
  public void close() {
    for (SimulatedMember m : members) {
      try {
        m.close();
      } catch (RuntimeException ignored) {
        // stopping the rest matters more
      }
    }
    simThreads.close();
    runtime.close();
  }
}
