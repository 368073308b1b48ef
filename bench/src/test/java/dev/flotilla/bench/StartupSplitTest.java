package dev.flotilla.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class StartupSplitTest {
  private static String phases(double... cpuAt) {
    String[] names = {"store opened", "synced ResourceDetector", "controllers started"};
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < names.length; i++) {
      out.append("flotilla_startup_seconds{phase=\"")
          .append(names[i])
          .append("\"} ")
          .append(i + 1)
          .append('\n')
          .append("flotilla_startup_cpu_seconds{phase=\"")
          .append(names[i])
          .append("\"} ")
          .append(cpuAt[i])
          .append('\n');
    }
    return out.toString();
  }

  @Test
  void eachPhaseCostsItsOwnCpuOverTheBaselinePerTemplate() {
    // Baseline: 1 s, +1 s, +1 s; loaded: 1 s, +11 s, +2 s with 1,000 templates.
    List<String> lines = StartupSplit.perTemplate(phases(1, 2, 3), phases(1, 12, 14), 1_000);
    assertEquals(5, lines.size(), String.join("\n", lines));
    assertEquals(
        List.of("store opened", "1.00", "1.00", "0.00"), List.of(lines.get(1).split("\\s{2,}")));
    assertEquals(
        List.of("synced ResourceDetector", "11.00", "1.00", "10.00"),
        List.of(lines.get(2).split("\\s{2,}")));
    assertEquals(
        List.of("controllers started", "2.00", "1.00", "1.00"),
        List.of(lines.get(3).split("\\s{2,}")));
    assertEquals(
        List.of("total", "14.00", "3.00", "11.00"), List.of(lines.get(4).split("\\s{2,}")));
  }
}
