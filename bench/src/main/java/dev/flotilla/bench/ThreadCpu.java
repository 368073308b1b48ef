package dev.flotilla.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A process's CPU seconds by thread group, from /proc/<pid>/task/<tid>/stat (user + system): thread
 * names with their numbers taken out ("api-worker-3" and "api-worker-4" are "api-worker-"), so the
 * hub's cost splits into the scheduler, the binding controller, the API workers, the store writer.
 * Threads that ended between two samples are lost from the difference; the hub's pools live long.
 */
final class ThreadCpu {
  private ThreadCpu() {}

  static Map<String, Double> sample(long pid) {
    Map<String, Double> byGroup = new HashMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
          double cpu = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
          byGroup.merge(name.replaceAll("[0-9]+", ""), cpu, Double::sum);
        } catch (IOException | RuntimeException e) {
          // the thread ended while we read it
        }
      }
    } catch (IOException e) {
      return byGroup;
    }
    return byGroup;
  }

  /** The groups that used the most CPU between two samples, in ms per unit, largest first. */
  static String top(Map<String, Double> before, Map<String, Double> after, int units, int n) {
    return top(before, after, units, n, "%.1f");
  }

  /** As above, each figure printed with {@code format} (e.g. "%.3f" for small costs). */
  static String top(
      Map<String, Double> before, Map<String, Double> after, int units, int n, String format) {
    List<Map.Entry<String, Double>> diffs = new ArrayList<>();
    for (Map.Entry<String, Double> e : after.entrySet()) {
      double d = e.getValue() - before.getOrDefault(e.getKey(), 0.0);
      if (d > 0) {
        diffs.add(Map.entry(e.getKey(), d));
      }
    }
    diffs.sort((a, b) -> Double.compare(b.getValue(), a.getValue()));
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, Double> e : diffs.subList(0, Math.min(n, diffs.size()))) {
      sb.append(sb.length() == 0 ? "" : ", ")
          .append(e.getKey())
          .append(' ')
          .append(String.format(format, e.getValue() * 1000 / units));
    }
    return sb.toString();
  }
}
