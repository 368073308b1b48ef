package dev.flotilla.bench;

import dev.flotilla.apiserver.HubConfig;
import dev.flotilla.apiserver.HubServer;
import dev.flotilla.apiserver.audit.AuditOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The cost of the audit log: creates/s and gets/s of one hub without auditing against one that
 * records every request at RequestResponse level (the most a policy can ask), in the same run,
 * rounds interleaved and who goes first alternating, so drift of the machine falls on both alike.
 * Prints figures; asserts nothing.
 */
final class AuditCost {
  private static final int ROUNDS = 6;

  private final int objects;
  private final int threads;
  private final String level;
  private final boolean omitReceived;

  /**
   * @param level the one rule's level: Metadata, Request or RequestResponse
   * @param omitReceived leave out the RequestReceived stage, as most policies do
   */
  AuditCost(int objects, int threads, String level, boolean omitReceived) {
    this.objects = objects;
    this.threads = threads;
    this.level = level;
    this.omitReceived = omitReceived;
  }

  private int eventsPerRequest() {
    return omitReceived ? 1 : 2;
  }

  void run() throws Exception {
    Path work = Files.createTempDirectory("flotilla-bench-audit");
    Path policy = work.resolve("policy.yaml");
    Files.writeString(
        policy,
        "apiVersion: audit.k8s.io/v1\nkind: Policy\n"
            + (omitReceived ? "omitStages: [RequestReceived]\n" : "")
            + "rules:\n- level: "
            + level
            + "\n");
    Path log = work.resolve("audited").resolve("audit.log");
    HubConfig plainConfig = HubConfig.of(work.resolve("plain"), 0);
    HubConfig auditedConfig =
        HubConfig.of(work.resolve("audited"), 0)
            .withSecurity(
                new HubConfig.Security(
                    Optional.of(new AuditOptions(log, Optional.of(policy), 100, 2, 0)),
                    Optional.empty()));
    try (HubServer plain = HubServer.create(plainConfig).start();
        HubServer audited = HubServer.create(auditedConfig).start()) {
      HubClient p = client(plain);
      HubClient a = client(audited);
      InterleavedRounds.Rates rates =
          InterleavedRounds.compare(
              ROUNDS,
              objects,
              InterleavedRounds.configMaps(p, threads, "default", "cm"),
              InterleavedRounds.configMaps(a, threads, "default", "cm"),
              new InterleavedRounds.Names("audit     ", "no audit", "audited", "audited/plain"));
      long bytes = 0;
      try (var files = Files.list(log.getParent())) {
        for (Path f : files.filter(f -> f.getFileName().toString().startsWith("audit")).toList()) {
          bytes += Files.size(f);
        }
      }
      Thread.sleep(3000); // let the writer drain its queue
      long lines;
      try (var in = Files.lines(log)) {
        lines = in.count();
      }
      long writerCpu = 0;
      java.lang.management.ThreadMXBean mx =
          java.lang.management.ManagementFactory.getThreadMXBean();
      for (Thread t : Thread.getAllStackTraces().keySet()) {
        if (t.getName().equals("audit-log-writer")) {
          writerCpu += mx.getThreadCpuTime(t.getId());
        }
      }
      double perEvent = writerCpu / 1000.0 / Math.max(1, lines);
      System.out.printf(
          "audit     writer thread CPU %.1f us per event (%d events in the live file)%n",
          perEvent, lines);
      // A get costs the hub (cores / rate) of CPU at saturation.
      double getCpuMicros =
          1e6
              * Runtime.getRuntime().availableProcessors()
              / InterleavedRounds.mean(rates.baseGets());
      System.out.printf(
          "audit     writing a get's %d event(s) is %.1f%% of the hub CPU a get takes unaudited"
              + " (%.0f us)%n",
          eventsPerRequest(), 100 * eventsPerRequest() * perEvent / getCpuMicros, getCpuMicros);
      System.out.printf(
          "audit     %d MB of %s events written for %d requests (%d cores)%n",
          bytes / (1024 * 1024),
          level,
          (long) ROUNDS * perRound(objects) + (long) ROUNDS * (ROUNDS + 1) / 2 * perRound(objects),
          Runtime.getRuntime().availableProcessors());
    }
  }

  private static HubClient client(HubServer hub) throws Exception {
    return new HubClient(
        hub.url(), hub.certificateAuthority().caCertPath(), hub.authenticator().adminToken());
  }

  private static int perRound(int objects) {
    return Math.max(1, objects / ROUNDS);
  }
}
