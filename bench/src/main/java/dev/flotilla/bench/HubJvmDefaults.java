package dev.flotilla.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The hub's defaults as {@code bin/flotilla hub} applies them ({@code hub-jvm.options} in the
 * launcher's resources): JVM options before the benchmark's own, environment variables unless set,
 * options conditioned on the heap's bound ({@code if heap < SIZE}, {@code if heap >= SIZE}) by the
 * last {@code -Xmx} of the benchmark's options or else the JVM's own choice; the collector is left
 * out when those options name one.
 */
final class HubJvmDefaults {
  private static final Pattern CONDITIONED =
      Pattern.compile("(.+) if heap (<|>=) (\\d+[kKmMgGtT]?)");
  private static final Pattern COLLECTOR = Pattern.compile("-XX:\\+Use\\w*GC");
  private static final Pattern SIZE = Pattern.compile("(\\d{1,15})([kKmMgGtT]?)");

  /** Options that size the heap: all a JVM asked for its heap bound is given. */
  private static final Pattern SIZING =
      Pattern.compile("-XX:.*(RAM|HeapSize).*|-XX:[+-]UseContainerSupport|-Xmx.*");

  private static final Pattern MAX_HEAP_FLAG = Pattern.compile("\\sMaxHeapSize\\s+=\\s+(\\d+)");

  private HubJvmDefaults() {}

  /** Adds the defaults to {@code cmd} and {@code env}, for a hub started with {@code jvmArgs}. */
  static void apply(List<String> cmd, Map<String, String> env, String java, List<String> jvmArgs)
      throws IOException {
    String text;
    try (var in = HubJvmDefaults.class.getResourceAsStream("/dev/flotilla/cli/hub-jvm.options")) {
      if (in == null) {
        throw new IllegalStateException("hub-jvm.options is missing from the classpath");
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    boolean ownCollector = jvmArgs.stream().anyMatch(a -> COLLECTOR.matcher(a).matches());
    Long heap = null;
    for (String line : text.split("\n")) {
      line = line.trim();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (ownCollector && COLLECTOR.matcher(line.split(" ", 2)[0]).matches()) {
        continue;
      }
      Matcher m = CONDITIONED.matcher(line);
      if (line.contains(" if heap ") && !m.matches()) {
        throw new IllegalStateException("hub-jvm.options: cannot read \"" + line + "\"");
      }
      if (m.matches()) {
        if (heap == null) {
          heap = heapBound(jvmArgs).orElseGet(() -> chosenHeap(java, jvmArgs));
        }
        long limit = bytes(m.group(3));
        if (m.group(2).equals("<") ? heap >= limit : heap < limit) {
          continue;
        }
        line = m.group(1);
      }
      if (line.startsWith("-")) {
        cmd.add(line);
      } else if (line.contains("=")) {
        env.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
      }
    }
  }

  /** The last {@code -Xmx} or {@code -XX:MaxHeapSize=} of {@code jvmArgs}, in bytes. */
  static Optional<Long> heapBound(List<String> jvmArgs) {
    Long bound = null;
    for (String a : jvmArgs) {
      if (a.startsWith("-Xmx")) {
        bound = bytes(a.substring(4));
      } else if (a.startsWith("-XX:MaxHeapSize=")) {
        bound = bytes(a.substring("-XX:MaxHeapSize=".length()));
      }
    }
    return Optional.ofNullable(bound);
  }

  /** Bytes in a JVM size (512m, 1g, 1048576); 0 for one not read here, as bin/flotilla has it. */
  static long bytes(String size) {
    Matcher m = SIZE.matcher(size);
    if (!m.matches()) {
      return 0;
    }
    int shift = m.group(2).isEmpty() ? 0 : 10 * ("kmgt".indexOf(m.group(2).toLowerCase()) + 1);
    return Long.parseLong(m.group(1)) << shift;
  }

  /** The heap bound {@code java} picks with {@code jvmArgs} (0 when it will not say). */
  private static long chosenHeap(String java, List<String> jvmArgs) {
    List<String> cmd = new java.util.ArrayList<>(List.of(java));
    jvmArgs.stream().filter(a -> SIZING.matcher(a).matches()).forEach(cmd::add);
    cmd.addAll(List.of("-XX:+PrintFlagsFinal", "-version"));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor();
      Matcher m = MAX_HEAP_FLAG.matcher(out);
      return m.find() ? Long.parseLong(m.group(1)) : 0;
    } catch (IOException e) {
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }
}
