package dev.flotilla.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The benchmarks' hubs get what {@code bin/flotilla hub} gives a hub (LauncherDefaultsTest checks
 * the script): the collector by the heap's bound, read from the same {@code hub-jvm.options}.
 */
class HubJvmDefaultsTest {
  private static final String JAVA =
      Path.of(System.getProperty("java.home"), "bin", "java").toString();

  @Test
  void aSmallHeapGetsTheSerialCollectorALargeOneTheParallel() throws Exception {
    assertEquals(List.of("-XX:+UseSerialGC", "-XX:TrimNativeHeapInterval=5000"), cmd("-Xmx256m"));
    assertEquals(
        List.of(
            "-XX:+UseParallelGC",
            "-Dflotilla.fanOutWhilePlacing=4",
            "-XX:ThreadPriorityPolicy=1",
            "-XX:CompilerThreadPriority=10",
            "-XX:TrimNativeHeapInterval=5000"),
        cmd("-Xmx1g"));
    assertEquals(
        List.of("-XX:+UseSerialGC", "-XX:TrimNativeHeapInterval=5000"),
        cmd("-Xmx2g", "-XX:MaxHeapSize=1048575k"));
  }

  @Test
  void withoutABoundTheJvmsOwnChoiceDecides() throws Exception {
    List<String> cmd = cmd("-XX:MaxRAM=1g"); // the JVM then picks a quarter: 256 MiB
    assertEquals(List.of("-XX:+UseSerialGC", "-XX:TrimNativeHeapInterval=5000"), cmd);
    assertTrue(cmd("-XX:MaxRAM=16g").contains("-XX:+UseParallelGC"));
  }

  @Test
  void aCollectorOfTheBenchmarksOwnWinsAndTheEnvironmentIsSet() throws Exception {
    Map<String, String> env = new HashMap<>();
    List<String> cmd = new ArrayList<>();
    HubJvmDefaults.apply(cmd, env, JAVA, List.of("-Xmx1g", "-XX:+UseG1GC"));
    assertFalse(cmd.stream().anyMatch(a -> a.matches("-XX:\\+Use\\w*GC")), cmd.toString());
    assertTrue(cmd.contains("-Dflotilla.fanOutWhilePlacing=4"), cmd.toString());
    assertEquals("2", env.get("MALLOC_ARENA_MAX"));
  }

  @Test
  void sizesAndBounds() {
    assertEquals(1L << 30, HubJvmDefaults.bytes("1g"));
    assertEquals(768L << 20, HubJvmDefaults.bytes("768M"));
    assertEquals(4096, HubJvmDefaults.bytes("4096"));
    assertEquals(10L << 20, HubJvmDefaults.bytes("010m")); // decimal, as the JVM reads it
    assertEquals(0, HubJvmDefaults.bytes("")); // sizes not read here count as unknown
    assertEquals(0, HubJvmDefaults.bytes("1.5g"));
    assertEquals(Optional.of(512L << 20), HubJvmDefaults.heapBound(List.of("-Xmx2g", "-Xmx512m")));
    assertEquals(Optional.empty(), HubJvmDefaults.heapBound(List.of("-Xms1g")));
  }

  private static List<String> cmd(String... jvmArgs) throws Exception {
    List<String> cmd = new ArrayList<>();
    HubJvmDefaults.apply(cmd, new HashMap<>(), JAVA, List.of(jvmArgs));
    return cmd;
  }
}
