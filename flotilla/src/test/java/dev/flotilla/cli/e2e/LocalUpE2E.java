package dev.flotilla.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hack/local-up.sh} as a user runs it, on the path every machine can take: kind is made
 * unavailable (KIND points nowhere), so the script must say it falls back to simulated members,
 * bring up the hub with contexts flotilla and member1..member3 that answer, and {@code down} must
 * stop the hub. The launcher is this build's classpath rather than the jar, which {@code mvn
 * verify} packages only after the tests. Also lints the script with shellcheck where installed.
 */
class LocalUpE2E {
  private static final List<String> MEMBERS = List.of("member1", "member2", "member3");

  @Test
  void withoutKindTheSimulatedFleetComesUpWithItsContextsAndGoesDown(@TempDir Path tmp)
      throws Exception {
    assumeTrue(
        onPath("kubectl").isPresent(), "no kubectl on PATH: hack/local-up.sh's E2E is skipped");
    Path data = tmp.resolve("data");
    Path kubeconfig = data.resolve("kubeconfig");
    Map<String, String> env =
        Map.of(
            "FLOTILLA_BIN", launcherScript(tmp).toString(),
            "KIND", tmp.resolve("no-kind-here").toString(),
            // Generous: on a loaded machine the simulated fleet took over 90 s to be Ready.
            "FLOTILLA_UP_TIMEOUT", "300");

    Result up = run(env, script().toString(), "--data-dir", data.toString(), "--port", "0");
    assertEquals(0, up.exitCode(), up.output());
    ProcessHandle hub = hubProcess(data);
    try {
      assertTrue(up.output().contains("using SIMULATED members"), up.output());
      assertTrue(up.output().contains("no kind on PATH"), up.output());

      Result clusters =
          run(
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
      for (String member : MEMBERS) {
        assertTrue(clusters.output().contains(member + "=True"), clusters.output());
        Result ns =
            run(
                Map.of(),
                "kubectl",
                "--kubeconfig",
                kubeconfig.toString(),
                "--context",
                member,
                "get",
                "namespace",
                "default",
                "-o",
                "name");
        assertEquals(0, ns.exitCode(), member + ": " + ns.output());
        assertEquals("namespace/default", ns.output().strip(), member);
      }

      Result again = run(env, script().toString(), "--data-dir", data.toString());
      assertEquals(1, again.exitCode(), "a second up must refuse: " + again.output());
      assertTrue(again.output().contains("already running"), again.output());

      Result down = run(env, script().toString(), "down", "--data-dir", data.toString());
      assertEquals(0, down.exitCode(), down.output());
      hub.onExit().get(5, TimeUnit.SECONDS);
      assertFalse(hub.isAlive(), "the hub outlived `down`");
      assertFalse(Files.exists(data.resolve("hub.pid")), "the pid file outlived `down`");
    } finally {
      if (hub.isAlive()) {
        hub.destroyForcibly();
      }
    }
  }

  @Test
  void scriptIsShellcheckClean() throws Exception {
    Optional<Path> shellcheck = onPath("shellcheck");
    assumeTrue(
        shellcheck.isPresent(), "no shellcheck on PATH: hack/local-up.sh is not linted here");
    Result lint = run(Map.of(), shellcheck.get().toString(), script().toString());
    assertEquals(0, lint.exitCode(), lint.output());
  }

  record Result(int exitCode, String output) {}

  /** Runs a command to its end, stdout and stderr together; the hub it starts logs to a file. */
  static Result run(Map<String, String> env, String... command)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.directory(repoRoot().toFile());
    pb.environment().putAll(env);
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) { // after its output ended: it is exiting
      p.destroyForcibly();
      return new Result(-1, output + "\n(timed out)");
    }
    return new Result(p.exitValue(), output);
  }

  /** The hub the script started, by its pid file. */
  static ProcessHandle hubProcess(Path data) throws IOException {
    Path pidFile = data.resolve("hub.pid");
    assertTrue(Files.exists(pidFile), "local-up wrote no pid file");
    long pid = Long.parseLong(Files.readString(pidFile).strip());
    return ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("hub " + pid + " is gone"));
  }

  /** A stand-in for bin/flotilla that runs the launcher from this test's classpath. */
  static Path launcherScript(Path dir) throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    String classpath = System.getProperty("java.class.path");
    Path script = dir.resolve("flotilla");
    Files.writeString(
        script,
        "#!/bin/sh\nCLASSPATH='"
            + classpath
            + "' exec '"
            + java
            + "' dev.flotilla.cli.FlotillaCommand \"$@\"\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return script;
  }

  static Path script() {
    return repoRoot().resolve("hack/local-up.sh");
  }

  private static Path repoRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("hack/local-up.sh"))) {
        return p;
      }
    }
    throw new IllegalStateException(
        "hack/local-up.sh not found above " + Path.of("").toAbsolutePath());
  }

  static Optional<Path> onPath(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
        return Optional.of(Path.of(dir, name));
      }
    }
    return Optional.empty();
  }
}
