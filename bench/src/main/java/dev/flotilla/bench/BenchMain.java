package dev.flotilla.bench;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar bench/target/flotilla-bench.jar apiserver|federation|mcs|discovery|scale}:
 * prints figures.
 */
@Command(
    name = "flotilla-bench",
    mixinStandardHelpOptions = true,
    subcommands = {
      BenchMain.ApiServer.class,
      BenchMain.Federation.class,
      BenchMain.Mcs.class,
      BenchMain.Discovery.class,
      BenchMain.Failover.class,
      BenchMain.HubFailoverRuns.class,
      BenchMain.Audit.class,
      BenchMain.Memory.class,
      BenchMain.Restart.class,
      BenchMain.Scale.class,
      BenchMain.Schedule.class,
      BenchMain.StatusWrites.class
    })
public final class BenchMain implements Runnable {

  @Override
  public void run() {
    CommandLine.usage(this, System.out);
  }

  public static void main(String[] args) {
    // First, before anything creates the common pool: no thread per HTTP call on small machines.
    dev.flotilla.agent.kube.Fabric8Clients.ensureCommonPool();
    // Agents reach their simulated members in process (what a real agent spends on its own
    // cluster's API server is not the hub's cost); -Dflotilla.sim.memberTransport=https for TLS.
    System.getProperties()
        .putIfAbsent(dev.flotilla.cli.SimulatedMembers.MEMBER_TRANSPORT_PROPERTY, "inprocess");
    System.exit(new CommandLine(new BenchMain()).execute(args));
  }

  /** The hub's CPU per Work status write, per thread group: an A/B of the update path. */
  @Command(name = "statuswrite", mixinStandardHelpOptions = true)
  static final class StatusWrites implements Callable<Integer> {
    @Option(names = "--works", defaultValue = "2000")
    int works;

    @Option(names = "--rounds", defaultValue = "10")
    int rounds;

    @Option(names = "--threads", defaultValue = "4")
    int threads;

    @Override
    public Integer call() throws Exception {
      new StatusWriteCost(works, rounds, threads).run();
      return 0;
    }
  }

  /** Two hubs on a three-member etcd: the failover timeline when the leader hub dies. */
  @Command(name = "hub-failover", mixinStandardHelpOptions = true)
  static final class HubFailoverRuns implements Callable<Integer> {
    @Option(names = "--runs", defaultValue = "10")
    int runs;

    @Option(names = "--lease-seconds", defaultValue = "8")
    int leaseSeconds;

    @Override
    public Integer call() throws Exception {
      HubFailover.printRuns(runs, java.time.Duration.ofSeconds(leaseSeconds));
      return 0;
    }
  }

  /** Audit log: creates/s and gets/s with every request recorded at RequestResponse, vs none. */
  @Command(name = "audit", mixinStandardHelpOptions = true)
  static final class Audit implements Callable<Integer> {
    @Option(names = "--objects", defaultValue = "6000")
    int objects;

    @Option(names = "--threads", defaultValue = "16")
    int threads;

    @Option(
        names = "--level",
        defaultValue = "RequestResponse",
        description = "the policy's one level: Metadata, Request or RequestResponse")
    String level;

    @Option(names = "--omit-received", description = "omitStages: [RequestReceived]")
    boolean omitReceived;

    @Override
    public Integer call() throws Exception {
      new AuditCost(objects, threads, level, omitReceived).run();
      return 0;
    }
  }

  /** Hub API server: creates/s vs raw SQLite, gets/s, list latency, watch delivery, memory. */
  @Command(name = "apiserver", mixinStandardHelpOptions = true)
  static final class ApiServer implements Callable<Integer> {
    @Option(names = "--objects", defaultValue = "10000")
    int objects;

    @Option(names = "--watchers", defaultValue = "1000")
    int watchers;

    @Option(names = "--threads", defaultValue = "32")
    int threads;

    @Option(
        names = "--store",
        split = ",",
        defaultValue = "sqlite",
        description = "sqlite, etcd, or both (sqlite,etcd): one hub per store, one after the other")
    List<String> stores;

    @Option(
        names = "--creates-only",
        description = "stop each store's run after the baseline and the creates (to study them)")
    boolean createsOnly;

    @Option(
        names = "--create-protocol",
        defaultValue = "h2",
        description =
            "h2 (a Netty client sends the creates as streams on one connection, as client-go"
                + " does) or http1.1 (JDK clients, a connection per client thread)")
    String createProtocol;

    @Override
    public Integer call() throws Exception {
      if (!createProtocol.equals("h2") && !createProtocol.equals("http1.1")) {
        throw new CommandLine.ParameterException(
            new CommandLine(this), "--create-protocol: h2 or http1.1, not " + createProtocol);
      }
      new ApiServerBench(objects, watchers, threads, stores)
          .createsOnly(createsOnly)
          .createsOverHttp2(createProtocol.equals("h2"))
          .run();
      return 0;
    }
  }

  /** Federation: distribution latency, Works/s, schedules/s, hub memory with many templates. */
  @Command(name = "federation", mixinStandardHelpOptions = true)
  static final class Federation implements Callable<Integer> {
    @Option(names = "--clusters", split = ",", defaultValue = "10,100")
    int[] clusters;

    @Option(names = "--templates", defaultValue = "200", description = "templates per latency run")
    int templates;

    @Option(names = "--memory-templates", defaultValue = "10000")
    int memoryTemplates;

    @Override
    public Integer call() throws Exception {
      new FederationBench(clusters, templates, memoryTemplates).run();
      return 0;
    }
  }

  /** MCS: endpoint propagation latency from provider slice to consumer derived slice. */
  @Command(name = "mcs", mixinStandardHelpOptions = true)
  static final class Mcs implements Callable<Integer> {
    @Option(names = "--clusters", defaultValue = "100")
    int clusters;

    @Option(names = "--services", defaultValue = "1000")
    int services;

    @Option(names = "--namespaces", defaultValue = "10")
    int namespaces;

    @Option(names = "--rate", defaultValue = "20", description = "endpoint changes per second")
    double rate;

    @Option(names = "--changes", defaultValue = "1000")
    int changes;

    @Override
    public Integer call() throws Exception {
      new McsBench(clusters, services, namespaces, rate, changes).run();
      return 0;
    }
  }

  /** Options of the hub state runs: how many templates, where they go, the hub's heap. */
  abstract static class HubState {
    @Option(names = "--clusters", defaultValue = "10")
    int clusters;

    @Option(names = "--hub-xmx", defaultValue = "384m", description = "the hub JVM's -Xmx")
    String hubXmx;

    @Option(
        names = "--one-cluster-each",
        description = "each template to one cluster (round robin) instead of to every cluster")
    boolean oneClusterEach;
  }

  /** Hub RSS and heap holding many propagated templates, beside the empty hub. */
  @Command(name = "memory", mixinStandardHelpOptions = true)
  static final class Memory extends HubState implements Callable<Integer> {
    @Option(names = "--templates", defaultValue = "10000")
    int templates;

    @Override
    public Integer call() throws Exception {
      new HubStateBench(templates, clusters, hubXmx, !oneClusterEach).memory();
      return 0;
    }
  }

  /** Hub restart with many propagated templates: catch-up time and objects rewritten. */
  @Command(name = "restart", mixinStandardHelpOptions = true)
  static final class Restart extends HubState implements Callable<Integer> {
    @Option(names = "--templates", defaultValue = "30000")
    int templates;

    @Option(
        names = "--hub-jars",
        split = ",",
        description =
            "restart the hub from these jars in turn (an A/B of builds on one setup; a jar not"
                + " there yet is waited for); default: this jar")
    List<String> hubJars = List.of();

    @Option(names = "--rounds", defaultValue = "1", description = "loaded restarts to make")
    int rounds;

    @Override
    public Integer call() throws Exception {
      new HubStateBench(templates, clusters, hubXmx, !oneClusterEach).restart(hubJars, rounds);
      return 0;
    }
  }

  /** The placement algorithm's CPU per binding over simulated-like clusters. */
  @Command(name = "schedule", mixinStandardHelpOptions = true)
  static final class Schedule implements Callable<Integer> {
    @Option(names = "--clusters", defaultValue = "100")
    int clusters;

    @Option(names = "--rounds", defaultValue = "2000", description = "schedules per figure")
    int rounds;

    @Override
    public Integer call() {
      SchedulerCost.run(clusters, rounds);
      return 0;
    }
  }

  /** Fleet-wide discovery API: reads/s and latency for one service with many instances. */
  @Command(name = "discovery", mixinStandardHelpOptions = true)
  static final class Discovery implements Callable<Integer> {
    @Option(names = "--instances", defaultValue = "1000")
    int instances;

    @Option(names = "--clusters", defaultValue = "10")
    int clusters;

    @Option(names = "--threads", defaultValue = "16", description = "concurrent readers")
    int threads;

    @Option(names = "--seconds", defaultValue = "10", description = "per read phase")
    int seconds;

    @Option(names = "--watchers", defaultValue = "100")
    int watchers;

    @Option(names = "--watch-changes", defaultValue = "40")
    int watchChanges;

    @Override
    public Integer call() throws Exception {
      new DiscoveryBench(instances, clusters, threads, seconds, watchers, watchChanges).run();
      return 0;
    }
  }

  /** Failover timeline: member lost, taint, reschedule, healthy elsewhere, old copy removed. */
  @Command(name = "failover", mixinStandardHelpOptions = true)
  static final class Failover implements Callable<Integer> {
    @Option(names = "--runs", defaultValue = "20")
    int runs;

    @Option(
        names = "--lease-seconds",
        defaultValue = "5",
        description = "agents' lease duration (Karmada and Flotilla default to 40)")
    int lease;

    @Option(
        names = "--failover-eviction-timeout-seconds",
        defaultValue = "2",
        description = "hub's wait before the NoExecute taint (300 on a real hub by default)")
    int evictionTimeout;

    @Override
    public Integer call() throws Exception {
      new FailoverBench(
              runs,
              java.time.Duration.ofSeconds(lease),
              java.time.Duration.ofSeconds(evictionTimeout))
          .run();
      return 0;
    }
  }

  /** Many clusters on one hub: join, all Ready and staying Ready, steady writes, distribution. */
  @Command(name = "scale", mixinStandardHelpOptions = true)
  static final class Scale implements Callable<Integer> {
    @Option(names = "--clusters", defaultValue = "1000")
    int clusters;

    @Option(names = "--hold", defaultValue = "60", description = "seconds the fleet is held")
    int hold;

    @Option(names = "--templates", defaultValue = "5", description = "templates distributed")
    int templates;

    @Option(
        names = "--ready-seconds",
        defaultValue = "900",
        description = "how long the fleet may take to be Ready")
    int readySeconds;

    @Override
    public Integer call() throws Exception {
      return new ScaleBench(clusters, hold, templates, readySeconds).run() ? 0 : 1;
    }
  }
}
