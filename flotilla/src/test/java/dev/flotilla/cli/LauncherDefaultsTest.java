package dev.flotilla.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/flotilla hub} gives the JVM the defaults of {@code hub-jvm.options}, before {@code
 * FLOTILLA_JAVA_OPTS}, the collector by the heap's bound; other commands get none. Runs the real
 * script in a copy of the repository's layout, with a {@code java} on PATH that prints what it was
 * given.
 */
class LauncherDefaultsTest {
  private static final String OPTIONS =
      "flotilla/src/main/resources/dev/flotilla/cli/hub-jvm.options";

  @TempDir Path root;

  @BeforeEach
  void layOut() throws Exception {
    Path repo = repoRoot();
    Files.createDirectories(root.resolve("bin"));
    Files.copy(repo.resolve("bin/flotilla"), root.resolve("bin/flotilla"));
    Files.createDirectories(root.resolve(OPTIONS).getParent());
    Files.copy(repo.resolve(OPTIONS), root.resolve(OPTIONS));
    Files.createDirectories(root.resolve("flotilla/target"));
    Files.createFile(root.resolve("flotilla/target/flotilla.jar")); // present: no build
    Path java = root.resolve("fakebin/java");
    Files.createDirectories(java.getParent());
    // Asked for its flags, it answers the heap bound it would pick (FAKE_MAX_HEAP), as a real JVM.
    Files.writeString(
        java,
        "#!/bin/sh\n"
            + "case \"$*\" in *-XX:+PrintFlagsFinal*)\n"
            + "  echo \"    size_t MaxHeapSize = ${FAKE_MAX_HEAP:-0} {product} {ergonomic}\"; exit 0;;\n"
            + "esac\n"
            + "echo \"MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-}\"\necho \"$@\"\n");
    java.toFile().setExecutable(true);
  }

  @Test
  void hubGetsTheDefaultsBeforeTheUsersOptions() throws Exception {
    List<String> out = run(Map.of("FLOTILLA_JAVA_OPTS", "-Xmx320m"), "hub", "--port", "1");
    assertEquals("MALLOC_ARENA_MAX=2", out.get(0));
    assertTrue(
        out.get(1).startsWith("-XX:+UseSerialGC -XX:TrimNativeHeapInterval=5000 -Xmx320m -jar "),
        out.get(1));
    assertTrue(out.get(1).endsWith("flotilla.jar hub --port 1"), out.get(1));
  }

  @Test
  void theCollectorFollowsTheHeapBound() throws Exception {
    assertTrue(
        run(Map.of("FLOTILLA_JAVA_OPTS", "-Xmx1g"), "hub")
            .get(1)
            .startsWith(
                "-XX:+UseParallelGC -Dflotilla.fanOutWhilePlacing=4 -XX:ThreadPriorityPolicy=1"
                    + " -XX:CompilerThreadPriority=10 -XX:TrimNativeHeapInterval=5000 -Xmx1g -jar "));
    // The last bound given is the JVM's, in any unit.
    assertTrue(
        run(Map.of("FLOTILLA_JAVA_OPTS", "-Xmx4g -XX:MaxHeapSize=1048575k"), "hub")
            .get(1)
            .startsWith("-XX:+UseSerialGC "));
    // Options that merely contain "GC" name no collector.
    assertTrue(
        run(Map.of("FLOTILLA_JAVA_OPTS", "-XX:+UseNUMA -XX:+DisableExplicitGC -Xmx2g"), "hub")
            .get(1)
            .startsWith("-XX:+UseParallelGC "));
    // None given: the bound the JVM picks by itself (a quarter of the memory).
    assertTrue(
        run(Map.of("FAKE_MAX_HEAP", Long.toString(6L << 30)), "hub")
            .get(1)
            .startsWith(
                "-XX:+UseParallelGC -Dflotilla.fanOutWhilePlacing=4 -XX:ThreadPriorityPolicy=1"
                    + " -XX:CompilerThreadPriority=10 -XX:TrimNativeHeapInterval=5000 -jar "));
    assertTrue(
        run(Map.of("FAKE_MAX_HEAP", Long.toString(512L << 20)), "hub")
            .get(1)
            .startsWith("-XX:+UseSerialGC -XX:TrimNativeHeapInterval=5000 -jar "));
  }

  @Test
  void theUsersCollectorAndEnvironmentWin() throws Exception {
    List<String> out =
        run(Map.of("FLOTILLA_JAVA_OPTS", "-XX:+UseG1GC", "MALLOC_ARENA_MAX", "4"), "hub");
    assertEquals("MALLOC_ARENA_MAX=4", out.get(0));
    assertTrue(
        out.get(1).startsWith("-XX:TrimNativeHeapInterval=5000 -XX:+UseG1GC -jar "), out.get(1));
  }

  @Test
  void otherCommandsAndTheOptOutGetNone() throws Exception {
    assertTrue(run(Map.of(), "agent").get(1).startsWith("-jar "));
    List<String> out = run(Map.of("FLOTILLA_HUB_DEFAULTS", "0"), "hub");
    assertEquals("MALLOC_ARENA_MAX=", out.get(0));
    assertTrue(out.get(1).startsWith("-jar "), out.get(1));
  }

  private List<String> run(Map<String, String> env, String... args) throws Exception {
    List<String> cmd =
        new java.util.ArrayList<>(List.of("bash", root.resolve("bin/flotilla").toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().remove("FLOTILLA_JAVA_OPTS");
    pb.environment().remove("MALLOC_ARENA_MAX");
    pb.environment().remove("FLOTILLA_HUB_DEFAULTS");
    pb.environment().remove("FAKE_MAX_HEAP");
    pb.environment().put("PATH", root.resolve("fakebin") + ":" + System.getenv("PATH"));
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(2, TimeUnit.MINUTES), "bin/flotilla did not finish");
    assertEquals(0, p.exitValue(), out);
    return out.lines().toList();
  }

  private static Path repoRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("bin/flotilla"))) {
        return p;
      }
    }
    throw new IllegalStateException("bin/flotilla not found above " + Path.of("").toAbsolutePath());
  }
}
