package dev.flotilla.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flotilla.store.etcd.LocalEtcd;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hack/local-up.sh --etcd}: three etcd members and two hub replicas come up with the
 * simulated members Ready; both replicas serve the same clusters; {@code down} stops all of it.
 */
class LocalUpEtcdE2E {
  @Test
  void twoReplicasOnALocalEtcdServeOneFleetAndGoDown(@TempDir Path tmp) throws Exception {
    assumeTrue(LocalUpE2E.onPath("kubectl").isPresent(), "SKIPPED: no kubectl on PATH");
    assumeTrue(
        LocalEtcd.availableForTests(),
        "SKIPPED: etcd is not installed (apt-get install etcd-server)");
    assumeTrue(LocalUpE2E.onPath("curl").isPresent(), "SKIPPED: no curl on PATH");
    Path data = tmp.resolve("data");
    int base = freePortBase();
    Map<String, String> env =
        Map.of(
            "FLOTILLA_BIN", LocalUpE2E.launcherScript(tmp).toString(),
            "FLOTILLA_ETCD_PORT_BASE", Integer.toString(base),
            "FLOTILLA_UP_TIMEOUT", "180");
    String script = LocalUpE2E.script().toString();
    LocalUpE2E.Result up =
        LocalUpE2E.run(env, script, "--etcd", "--data-dir", data.toString(), "--port", "0");
    List<Path> pidFiles =
        List.of(
            data.resolve("hub.pid"),
            data.resolve("replica-a/hub.pid"),
            data.resolve("etcd/etcd0.pid"),
            data.resolve("etcd/etcd1.pid"),
            data.resolve("etcd/etcd2.pid"));
    List<ProcessHandle> started =
        pidFiles.stream()
            .filter(Files::exists)
            .map(p -> ProcessHandle.of(Long.parseLong(read(p))))
            .flatMap(java.util.Optional::stream)
            .toList();
    try {
      assertEquals(0, up.exitCode(), up.output());
      assertEquals(
          5,
          started.size(),
          "two hubs and three etcd members, but " + gone(pidFiles, data) + "\n" + up.output());
      for (Path kubeconfig :
          List.of(data.resolve("kubeconfig"), data.resolve("replica-a/kubeconfig"))) {
        LocalUpE2E.Result clusters =
            LocalUpE2E.run(
                Map.of(),
                "kubectl",
                "--kubeconfig",
                kubeconfig.toString(),
                "--context",
                "flotilla",
                "get",
                "clusters",
                "-o",
                "jsonpath={range .items[*]}{.metadata.name}={.status.conditions[?(@.type==\"Ready\")].status} {end}");
        assertEquals(0, clusters.exitCode(), clusters.output());
        for (String member : List.of("member1", "member2", "member3")) {
          assertTrue(
              clusters.output().contains(member + "=True"), kubeconfig + ": " + clusters.output());
        }
      }
      LocalUpE2E.Result down = LocalUpE2E.run(env, script, "down", "--data-dir", data.toString());
      assertEquals(0, down.exitCode(), down.output());
      for (ProcessHandle p : started) {
        p.onExit().get(60, TimeUnit.SECONDS);
        assertFalse(p.isAlive(), "outlived `down`: " + p.info().commandLine().orElse("?"));
      }
    } finally {
      started.forEach(ProcessHandle::destroyForcibly);
    }
  }

  /**
   * A base for local-up's etcd ports (BASE..BASE+2 for clients, BASE+100..BASE+102 for peers) below
   * Linux's ephemeral range, with all six free now: a base taken from an ephemeral port put the
   * peer ports where outgoing connections of the same run could already hold them.
   */
  private static int freePortBase() throws Exception {
    Random random = new Random();
    for (int attempt = 0; attempt < 200; attempt++) {
      int base = 20000 + random.nextInt(12000);
      if (IntStream.of(0, 1, 2, 100, 101, 102).allMatch(offset -> bindable(base + offset))) {
        return base;
      }
    }
    throw new IllegalStateException("no six free ports for etcd below 32768");
  }

  private static boolean bindable(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(false);
      s.bind(new InetSocketAddress("127.0.0.1", port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Which of the processes is not running, with the end of its log, to tell a failed start. */
  private static String gone(List<Path> pidFiles, Path data) {
    StringBuilder out = new StringBuilder();
    for (Path pid : pidFiles) {
      boolean alive =
          Files.exists(pid)
              && ProcessHandle.of(Long.parseLong(read(pid)))
                  .map(ProcessHandle::isAlive)
                  .orElse(false);
      if (alive) {
        continue;
      }
      String name = pid.getFileName().toString().replace(".pid", ".log");
      Path log = pid.resolveSibling(name);
      out.append(data.relativize(pid)).append(Files.exists(pid) ? " exited" : " missing");
      try {
        List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
        out.append("; end of ").append(data.relativize(log)).append(":\n");
        lines
            .subList(Math.max(0, lines.size() - 30), lines.size())
            .forEach(l -> out.append("  ").append(l).append('\n'));
      } catch (IOException e) {
        out.append(" (log unreadable: ").append(e).append(")\n");
      }
    }
    return out.toString();
  }

  private static String read(Path p) {
    try {
      return Files.readString(p).strip();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
