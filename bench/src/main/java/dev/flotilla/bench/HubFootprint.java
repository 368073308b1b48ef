package dev.flotilla.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where a hub process's resident memory goes: the heap pages it has touched, what Native Memory
 * Tracking counts outside the heap (metaspace, code cache, thread stacks, symbols), and the rest,
 * which NMT does not see (glibc malloc by native libraries such as SQLite and zlib, arena slack,
 * mapped files); plus its threads by name. NMT figures need the hub started with {@code
 * -XX:NativeMemoryTracking=summary}.
 */
final class HubFootprint {
  private static final Pattern NMT_LINE =
      Pattern.compile("(?m)^-\\s+(.+?) \\(reserved=(\\d+)KB, committed=(\\d+)KB\\)");

  private HubFootprint() {}

  /** One paragraph: RSS and its split, then the thread groups with the most threads. */
  static String describe(long pid) throws IOException {
    Map<String, Long> status = status(pid);
    long rss = status.getOrDefault("VmRSS", 0L);
    Map<String, long[]> nmt = nmt(jcmd(pid, "VM.native_memory", "summary"));
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            "RSS %d MiB (anonymous %d, file-backed %d), %d threads",
            rss >> 10,
            status.getOrDefault("RssAnon", 0L) >> 10,
            status.getOrDefault("RssFile", 0L) >> 10,
            status.getOrDefault("Threads", 0L)));
    long[] heap = nmt.get("Java Heap");
    if (heap == null) {
      out.append("; no NMT (start the hub with -XX:NativeMemoryTracking=summary for the split)");
    } else {
      long touched = touchedKiB(pid);
      long nonHeap = 0;
      List<String> parts = new ArrayList<>();
      Map<String, Long> byCategory = new LinkedHashMap<>();
      nmt.forEach(
          (category, kib) -> {
            if (!category.equals("Java Heap")) {
              byCategory.put(category, kib[1]);
            }
          });
      for (long kib : byCategory.values()) {
        nonHeap += kib;
      }
      byCategory.entrySet().stream()
          .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
          .filter(e -> e.getValue() >= 1024)
          .forEach(e -> parts.add(e.getKey() + " " + (e.getValue() >> 10)));
      out.append(
          String.format(
              "%n            = heap %d MiB touched (committed %d, max %d) + NMT outside the heap %d"
                  + " MiB (%s) + not in NMT %d MiB (malloc by native code: SQLite, zlib; arena"
                  + " slack; mapped files)",
              touched >> 10,
              heap[1] >> 10,
              heap[0] >> 10,
              nonHeap >> 10,
              String.join(", ", parts),
              (rss - touched - nonHeap) >> 10));
    }
    out.append(String.format("%n            threads by name: %s", threads(pid)));
    return out.toString();
  }

  /** Runs jcmd against a process (the JDK tools beside this JVM), returning its output. */
  static String jcmd(long pid, String... command) throws IOException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    List<String> cmd = new ArrayList<>(List.of(jcmd.toString(), Long.toString(pid)));
    cmd.addAll(List.of(command));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      p.waitFor(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return out;
  }

  /** NMT summary category -> {reserved, committed} KiB. */
  static Map<String, long[]> nmt(String summary) {
    Map<String, long[]> out = new LinkedHashMap<>();
    Matcher m = NMT_LINE.matcher(summary);
    while (m.find()) {
      out.put(
          m.group(1).trim(), new long[] {Long.parseLong(m.group(2)), Long.parseLong(m.group(3))});
    }
    return out;
  }

  private static Map<String, Long> status(long pid) throws IOException {
    Map<String, Long> out = new TreeMap<>();
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      int colon = line.indexOf(':');
      String value = line.substring(colon + 1).replaceAll("[^0-9]", "");
      if (colon > 0 && !value.isEmpty() && value.length() < 18) {
        out.put(line.substring(0, colon), Long.parseLong(value));
      }
    }
    return out;
  }

  /**
   * Resident KiB of the heap: the mappings between the lowest and highest address {@code
   * GC.heap_info} prints. Committed heap that was never touched costs no RSS.
   */
  private static long touchedKiB(long pid) throws IOException {
    Matcher hex = Pattern.compile("0x([0-9a-f]+)").matcher(jcmd(pid, "GC.heap_info"));
    long low = Long.MAX_VALUE;
    long high = 0;
    while (hex.find()) {
      long a = Long.parseUnsignedLong(hex.group(1), 16);
      low = Math.min(low, a);
      high = Math.max(high, a);
    }
    long kib = 0;
    boolean inHeap = false;
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/smaps"))) {
      int dash = line.indexOf('-');
      int space = line.indexOf(' ');
      if (dash > 0 && space > dash && line.substring(0, dash).matches("[0-9a-f]+")) {
        long start = Long.parseUnsignedLong(line.substring(0, dash), 16);
        long end = Long.parseUnsignedLong(line.substring(dash + 1, space), 16);
        inHeap = start >= low && end <= high + 1;
      } else if (inHeap && line.startsWith("Rss:")) {
        kib += Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return kib;
  }

  /** Thread counts by name with numbers taken out, largest first. */
  private static String threads(long pid) throws IOException {
    Map<String, Integer> byName = new TreeMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          String name = Files.readString(task.resolve("comm")).trim();
          byName.merge(name.replaceAll("[0-9]+", "#"), 1, Integer::sum);
        } catch (IOException ended) {
          // the thread ended while we read it
        }
      }
    }
    StringBuilder out = new StringBuilder();
    byName.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .limit(12)
        .forEach(
            e ->
                out.append(out.length() == 0 ? "" : ", ")
                    .append(e.getKey())
                    .append(' ')
                    .append(e.getValue()));
    return out.toString();
  }
}
