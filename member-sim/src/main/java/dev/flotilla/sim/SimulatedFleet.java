package dev.flotilla.sim;

import dev.flotilla.apiserver.auth.KubeconfigContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Several simulated members started together: {@code member1..N} with distinct regions, zones and
 * address ranges, and their kubeconfig contexts for the hub's kubeconfig.
 */
public final class SimulatedFleet implements AutoCloseable {
  private final List<SimulatedMember> members;

  private SimulatedFleet(List<SimulatedMember> members) {
    this.members = List.copyOf(members);
  }

  /**
   * Starts {@code count} members named member1..N with the defaults of {@link MemberCluster#of},
   * each in {@code baseDir/memberN} on an ephemeral port.
   */
  public static SimulatedFleet start(Path baseDir, int count) {
    List<MemberCluster> clusters = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      clusters.add(MemberCluster.of("member" + i, i, baseDir.resolve("member" + i)));
    }
    return start(clusters);
  }

  /** Starts the given members in parallel; if one fails, the others are stopped again. */
  public static SimulatedFleet start(List<MemberCluster> clusters) {
    // One thread per member: the common pool may have a single thread on a small machine.
    ExecutorService threads =
        Executors.newFixedThreadPool(
            Math.max(1, clusters.size()),
            r -> {
              Thread t = new Thread(r, "sim-fleet-start");
              t.setDaemon(true);
              return t;
            });
    List<CompletableFuture<SimulatedMember>> starting = new ArrayList<>();
    for (MemberCluster c : clusters) {
      starting.add(CompletableFuture.supplyAsync(() -> SimulatedMember.start(c), threads));
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
      throw failure;
    }
    return new SimulatedFleet(started);
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
  }
}
