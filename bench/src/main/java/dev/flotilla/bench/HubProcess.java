package dev.flotilla.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A hub started as its own JVM (from the running jar), so its memory is measured apart. */
final class HubProcess implements AutoCloseable {
  final Process process;
  final int port;
  final Path dataDir;

  private final List<String> jvmArgs;
  private final List<String> hubArgs;
  private final String classpath;

  private HubProcess(
      Process process,
      int port,
      Path dataDir,
      List<String> jvmArgs,
      List<String> hubArgs,
      String classpath) {
    this.process = process;
    this.port = port;
    this.dataDir = dataDir;
    this.jvmArgs = jvmArgs;
    this.hubArgs = hubArgs;
    this.classpath = classpath;
  }

  static HubProcess start(Path dataDir, List<String> jvmArgs) throws Exception {
    return start(dataDir, jvmArgs, List.of());
  }

  /** Starts {@code flotilla hub} with {@code hubArgs} appended (e.g. a token file). */
  static HubProcess start(Path dataDir, List<String> jvmArgs, List<String> hubArgs)
      throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    return start(dataDir, jvmArgs, hubArgs, port);
  }

  /** Starts the hub on a given port (a restart keeps its address, so clients reconnect). */
  static HubProcess start(Path dataDir, List<String> jvmArgs, List<String> hubArgs, int port)
      throws Exception {
    return start(dataDir, jvmArgs, hubArgs, port, HUB_CLASSPATH);
  }

  /**
   * The hub's classes: {@code -Dflotilla.bench.hubClasspath=<jar>} runs another build's hub under
   * this benchmark (an A/B of the hub alone, with the same phases and figures).
   */
  private static final String HUB_CLASSPATH =
      System.getProperty("flotilla.bench.hubClasspath", System.getProperty("java.class.path"));

  /** As above, the hub's classes from {@code classpath} (another build's jar, for an A/B). */
  static HubProcess start(
      Path dataDir, List<String> jvmArgs, List<String> hubArgs, int port, String classpath)
      throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new java.util.ArrayList<>(List.of(java));
    java.util.Map<String, String> env = new java.util.HashMap<>();
    if (Boolean.parseBoolean(System.getProperty("flotilla.bench.hubDefaults", "true"))) {
      HubJvmDefaults.apply(cmd, env, java, jvmArgs);
    }
    cmd.addAll(jvmArgs);
    cmd.addAll(
        List.of(
            "-cp",
            classpath,
            "dev.flotilla.cli.FlotillaCommand",
            "hub",
            "--data-dir",
            dataDir.toString(),
            "--port",
            Integer.toString(port)));
    cmd.addAll(hubArgs);
    ProcessBuilder builder = new ProcessBuilder(cmd);
    env.forEach(builder.environment()::putIfAbsent);
    Process p =
        builder
            .redirectErrorStream(true)
            .redirectOutput(
                ProcessBuilder.Redirect.appendTo(dataDir.resolveSibling("hub.log").toFile()))
            .start();
    // Minutes, not seconds: on a shared machine at load 40 a hub took 78 s to write it.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
    while (!Files.exists(dataDir.resolve("kubeconfig"))) {
      if (System.nanoTime() > deadline || !p.isAlive()) {
        p.destroy(); // else a hub still starting outlives the benchmark
        throw new IllegalStateException(
            "hub did not start; see " + dataDir.resolveSibling("hub.log"));
      }
      Thread.sleep(100);
    }
    HubProcess hub = new HubProcess(p, port, dataDir, jvmArgs, hubArgs, classpath);
    try {
      // Ready includes the controllers' caches synced: minutes for a large hub on a busy machine.
      hub.awaitReady(System.nanoTime() + TimeUnit.MINUTES.toNanos(15));
    } catch (Exception | Error e) {
      hub.close();
      throw e;
    }
    return hub;
  }

  /** Waits until /readyz answers 200 (the kubeconfig of an earlier run may already exist). */
  private void awaitReady(long deadline) throws Exception {
    while (true) {
      try {
        if (client().get("/readyz").statusCode() == 200) {
          return;
        }
      } catch (java.io.IOException notYet) {
        // not listening yet
      }
      if (System.nanoTime() > deadline || !process.isAlive()) {
        throw new IllegalStateException(
            "hub did not become ready; see " + dataDir.resolveSibling("hub.log"));
      }
      Thread.sleep(50);
    }
  }

  /** Stops this hub (SIGTERM, as an operator would) and starts it again on the same data. */
  HubProcess restart() throws Exception {
    return restart(classpath);
  }

  /** As {@link #restart()}, the new hub's classes from {@code classpath}. */
  HubProcess restart(String classpath) throws Exception {
    long t0 = System.nanoTime();
    close();
    long t1 = System.nanoTime();
    HubProcess next = start(dataDir, jvmArgs, hubArgs, port, classpath);
    next.stopSeconds = (t1 - t0) / 1e9;
    next.startSeconds = (System.nanoTime() - t1) / 1e9;
    return next;
  }

  /** For a restarted hub: how long the old process took to exit, and this one to be ready. */
  double stopSeconds;

  double startSeconds;

  private HubClient client;

  /** One client for the run: a new JDK HttpClient per scrape would start threads of its own. */
  synchronized HubClient client() throws Exception {
    if (client == null) {
      client =
          new HubClient(
              "https://127.0.0.1:" + port,
              dataDir.resolve("pki/ca.crt"),
              Files.readString(dataDir.resolve("admin.token")).trim());
    }
    return client;
  }

  /** A client of this hub with another user's bearer token. */
  HubClient client(String token) throws Exception {
    return new HubClient("https://127.0.0.1:" + port, dataDir.resolve("pki/ca.crt"), token);
  }

  /** Resident set size of the hub process in MiB, from /proc. */
  double rssMiB() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
      }
    }
    return Double.NaN;
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    process.waitFor(20, TimeUnit.SECONDS);
    process.destroyForcibly();
  }
}
