package dev.flotilla.reliability;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A JVM of its own (a hub, or {@code flotilla sim}) on this test's classpath, so that it can be
 * SIGKILLed or stopped alone. Its output is kept (and echoed with a prefix) so tests can wait for
 * what it prints.
 */
final class Processes implements AutoCloseable {
  /**
   * How long a hub or {@code flotilla sim} may take to start: patience, not a verdict. At load 100
   * on two cores a hub took over 3 minutes to bind its port.
   */
  static final Duration START = Duration.ofMinutes(10);

  private final String name;
  private final Process process;
  private final List<String> lines = new CopyOnWriteArrayList<>();

  private Processes(String name, Process process) {
    this.name = name;
    this.process = process;
    Thread pump = new Thread(this::pump, name + "-output");
    pump.setDaemon(true);
    pump.start();
  }

  /** Starts {@code mainClass} with {@code args} in a JVM limited to {@code heap}. */
  static Processes start(String name, String heap, String mainClass, String... args)
      throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + heap);
    command.add("-Djava.util.concurrent.ForkJoinPool.common.parallelism=4");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(List.of(args));
    return new Processes(name, new ProcessBuilder(command).redirectErrorStream(true).start());
  }

  /** The launcher, {@code flotilla <args>}, as a user runs it. */
  static Processes flotilla(String name, String... args) throws Exception {
    return start(name, "768m", "dev.flotilla.cli.FlotillaCommand", args);
  }

  private void pump() {
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = out.readLine()) != null; ) {
        lines.add(line);
        if (!line.startsWith("STALL ")
            && !line.startsWith("UNSCHEDULED ")
            && !line.startsWith("LOOP-CLASS ")
            && !line.startsWith("CLASSLOAD-FLUSH")) {
          System.out.println("[" + name + "] " + line);
        }
      }
    } catch (Exception e) {
      // the process is gone
    }
  }

  /** Waits for a line of output that {@code wanted} accepts; fails if the process exits first. */
  String await(Predicate<String> wanted, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int seen = 0;
    while (System.nanoTime() < deadline) {
      for (; seen < lines.size(); seen++) {
        if (wanted.test(lines.get(seen))) {
          return lines.get(seen);
        }
      }
      if (!process.isAlive() && seen >= lines.size()) {
        throw new IllegalStateException(name + " exited with " + process.exitValue());
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(name + " printed nothing expected within " + timeout);
  }

  /** Every line printed so far that starts with {@code prefix}. */
  List<String> linesStartingWith(String prefix) {
    return lines.stream().filter(l -> l.startsWith(prefix)).toList();
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** The process's resident set size in MiB, from /proc (Linux), or -1 elsewhere. */
  long rssMiB() {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
        if (l.startsWith("VmRSS:")) {
          return Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024;
        }
      }
    } catch (Exception e) {
      // not Linux, or gone
    }
    return -1;
  }

  /** SIGKILL: no shutdown hook, no flush, as a crash or the OOM killer would. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(60, TimeUnit.SECONDS);
  }

  /** SIGTERM, then SIGKILL if it has not exited within a minute. */
  void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      kill();
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
