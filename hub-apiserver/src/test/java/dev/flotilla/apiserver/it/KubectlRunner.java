package dev.flotilla.apiserver.it;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs one stock kubectl binary ({@code kubectl.1.27} ... {@code kubectl.1.33}, installed beside
 * the target of {@code $(readlink -f $(command -v kubectl))}; plain {@code kubectl} is a
 * dispatcher) against a hub: {@code --kubeconfig} of the hub, a private {@code --cache-dir}, a
 * timeout, and the exit code, stdout and stderr of every run captured.
 */
public final class KubectlRunner implements AutoCloseable {
  /** Where to look first, for machines without a kubectl dispatcher on the PATH. */
  public static final String DIR_PROPERTY = "flotilla.kubectl.dir";

  private static final Pattern VERSIONED = Pattern.compile("kubectl\\.1\\.(\\d+)");
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);

  private final Path binary;
  private final int minor;
  private final Path kubeconfig;
  private final Path work;
  // Safe for concurrent runs on one runner (tests may run background and foreground commands).
  private final List<Background> background =
      java.util.Collections.synchronizedList(new ArrayList<>());
  private final java.util.concurrent.atomic.AtomicLong runs =
      new java.util.concurrent.atomic.AtomicLong();

  /** A stock binary found on this machine, not yet bound to a hub. */
  public record Binary(Path path, int minor) {
    public String version() {
      return "1." + minor;
    }

    @Override
    public String toString() {
      return "kubectl " + version();
    }
  }

  /** What one run left behind. */
  public record Result(List<String> command, int exitCode, String stdout, String stderr) {
    public boolean ok() {
      return exitCode == 0;
    }

    /** Asserts exit code 0 and returns this, with the whole run in the failure message. */
    public Result assertOk() {
      if (exitCode != 0) {
        throw new AssertionError("kubectl failed: " + this);
      }
      return this;
    }

    /** Asserts a non-zero exit code and returns this. */
    public Result assertFails() {
      if (exitCode == 0) {
        throw new AssertionError("kubectl should have failed: " + this);
      }
      return this;
    }

    @Override
    public String toString() {
      return String.join(" ", command)
          + "\n  exit "
          + exitCode
          + "\n  stdout: "
          + stdout
          + "\n  stderr: "
          + stderr;
    }
  }

  private KubectlRunner(Binary binary, Path kubeconfig) {
    this.binary = binary.path();
    this.minor = binary.minor();
    this.kubeconfig = kubeconfig;
    try {
      this.work = Files.createTempDirectory("kubectl-" + binary.version() + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A runner for {@code binary} against the hub written to {@code kubeconfig}. */
  public static KubectlRunner of(Binary binary, Path kubeconfig) {
    return new KubectlRunner(binary, kubeconfig);
  }

  /** Every {@code kubectl.1.N} installed, oldest first; empty when there is none. */
  public static List<Binary> installed() {
    return directory().map(KubectlRunner::scan).orElse(List.of());
  }

  /** Where the versioned binaries live, if anywhere: the property, else beside the dispatcher. */
  public static Optional<Path> directory() {
    String configured = System.getProperty(DIR_PROPERTY);
    if (configured != null && !configured.isBlank()) {
      return Optional.of(Path.of(configured));
    }
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, "kubectl");
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        try {
          return Optional.of(candidate.toRealPath().getParent()); // readlink -f, then dirname
        } catch (IOException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  private static List<Binary> scan(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      List<Binary> found = new ArrayList<>();
      files.forEach(
          p -> {
            Matcher m = VERSIONED.matcher(p.getFileName().toString());
            if (m.matches() && Files.isRegularFile(p) && Files.isExecutable(p)) {
              found.add(new Binary(p, Integer.parseInt(m.group(1))));
            }
          });
      found.sort(Comparator.comparingInt(Binary::minor));
      return found;
    } catch (IOException e) {
      return List.of();
    }
  }

  /** The message for a visible skip where no binary is installed. */
  public static String notInstalledMessage() {
    return "no stock kubectl.1.N binary found (looked in "
        + directory()
            .map(Path::toString)
            .orElse(
                "the directory of $(readlink -f $(command -v kubectl)); kubectl is not on the PATH")
        + "; set -D"
        + DIR_PROPERTY
        + " to point elsewhere)";
  }

  public int minor() {
    return minor;
  }

  public String version() {
    return "1." + minor;
  }

  /** A private scratch directory of this runner (removed on close), e.g. for editor scripts. */
  public Path workDir() {
    return work;
  }

  /**
   * Extra flags for commands that send objects (create, replace, apply): none. Every stock kubectl
   * works with its defaults; 1.27 and 1.28 learn that the server validates fields from the protobuf
   * {@code /openapi/v2}, later versions from {@code /openapi/v3}. Kept as the one place to add a
   * flag should a future version need one.
   */
  public List<String> writeFlags() {
    return List.of();
  }

  /** Runs with no input and the default timeout. */
  public Result run(String... args) {
    return run(null, DEFAULT_TIMEOUT, args);
  }

  /** Runs with {@code stdin} fed to the process (e.g. for {@code -f -}). */
  public Result runWithInput(String stdin, String... args) {
    return run(stdin, DEFAULT_TIMEOUT, args);
  }

  /** Like {@link #run} with {@link #writeFlags()} appended, for create/replace/apply. */
  public Result write(String... args) {
    return run(null, DEFAULT_TIMEOUT, withWriteFlags(args));
  }

  /** Like {@link #runWithInput} with {@link #writeFlags()} appended. */
  public Result writeWithInput(String stdin, String... args) {
    return run(stdin, DEFAULT_TIMEOUT, withWriteFlags(args));
  }

  private String[] withWriteFlags(String[] args) {
    List<String> all = new ArrayList<>(Arrays.asList(args));
    all.addAll(writeFlags());
    return all.toArray(String[]::new);
  }

  public Result run(String stdin, Duration timeout, String... args) {
    return run(java.util.Map.of(), stdin, timeout, args);
  }

  /** Runs with extra environment variables, e.g. {@code KUBE_EDITOR} for {@code edit}. */
  public Result runWithEnv(java.util.Map<String, String> env, String... args) {
    return run(env, null, DEFAULT_TIMEOUT, args);
  }

  private Result run(
      java.util.Map<String, String> env, String stdin, Duration timeout, String... args) {
    List<String> command = command(args);
    long run = runs.incrementAndGet();
    Path out = work.resolve("out-" + run);
    Path err = work.resolve("err-" + run);
    Process process = start(command, out, err, env);
    try {
      try (OutputStream in = process.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError(
            "kubectl did not finish in "
                + timeout
                + ": "
                + new Result(command, -1, read(out), read(err)));
      }
      return new Result(command, process.exitValue(), read(out), read(err));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IllegalStateException(e);
    }
  }

  /** Starts a long-running command such as {@code get -w}; closing the runner kills it. */
  public Background background(String... args) {
    List<String> command = command(args);
    long run = runs.incrementAndGet();
    Path out = work.resolve("bg-out-" + run);
    Path err = work.resolve("bg-err-" + run);
    Background b = new Background(command, start(command, out, err, java.util.Map.of()), out, err);
    background.add(b);
    return b;
  }

  /** A command running in the background, its output readable while it runs. */
  public static final class Background implements AutoCloseable {
    private final List<String> command;
    private final Process process;
    private final Path out;
    private final Path err;

    private Background(List<String> command, Process process, Path out, Path err) {
      this.command = command;
      this.process = process;
      this.out = out;
      this.err = err;
    }

    public String stdout() {
      return read(out);
    }

    public String stderr() {
      return read(err);
    }

    public boolean alive() {
      return process.isAlive();
    }

    /** Waits until stdout satisfies {@code condition}; fails with everything seen otherwise. */
    public String awaitStdout(Predicate<String> condition, Duration timeout, String what) {
      return await(this::stdout, "stdout", condition, timeout, what);
    }

    /**
     * Waits until stderr satisfies {@code condition}, e.g. until {@code -v=6} logs that a watch is
     * open; fails with everything seen otherwise.
     */
    public String awaitStderr(Predicate<String> condition, Duration timeout, String what) {
      return await(this::stderr, "stderr", condition, timeout, what);
    }

    /** Waits for the process to end by itself and returns what it left behind. */
    public Result awaitExit(Duration timeout) {
      try {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          throw new AssertionError(
              "background kubectl did not finish in "
                  + timeout
                  + ": "
                  + String.join(" ", command)
                  + "\n  stdout: "
                  + stdout()
                  + "\n  stderr: "
                  + stderr());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      return new Result(command, process.exitValue(), stdout(), stderr());
    }

    private String await(
        java.util.function.Supplier<String> stream,
        String streamName,
        Predicate<String> condition,
        Duration timeout,
        String what) {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        String seen = stream.get();
        if (condition.test(seen)) {
          return seen;
        }
        if (!process.isAlive()) {
          break;
        }
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      String seen = stream.get();
      if (condition.test(seen)) {
        return seen;
      }
      throw new AssertionError(
          "background kubectl never printed "
              + what
              + " on "
              + streamName
              + " within "
              + timeout
              + " (alive: "
              + process.isAlive()
              + "): "
              + String.join(" ", command)
              + "\n  stdout: "
              + stdout()
              + "\n  stderr: "
              + stderr());
    }

    /** Kills the process (SIGTERM, then SIGKILL) and waits for it to end. */
    @Override
    public void close() {
      process.destroy();
      try {
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
  }

  private List<String> command(String[] args) {
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.add("--kubeconfig");
    command.add(kubeconfig.toString());
    command.add("--cache-dir");
    command.add(work.resolve("cache").toString());
    command.add("--request-timeout=60s");
    command.addAll(Arrays.asList(args));
    return command;
  }

  private Process start(
      List<String> command, Path out, Path err, java.util.Map<String, String> env) {
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    // Keep the user's kubectl settings out of the run.
    pb.environment().remove("KUBECONFIG");
    pb.environment().put("HOME", work.toString());
    pb.environment().put("KUBECTL_KUBERC", "false");
    pb.environment().putAll(env);
    try {
      return pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Creates a namespace with {@code create -f -} (generator commands send protobuf). */
  public Result createNamespace(String name) {
    return writeWithInput(
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + name + "\n",
            "create",
            "-f",
            "-")
        .assertOk();
  }

  /** The installed binaries as a JUnit {@code @MethodSource}. */
  public static Stream<Binary> binaries() {
    return installed().stream();
  }

  /**
   * One runner per binary against one hub, each with its own namespace made on first use; a test
   * class keeps one pool next to its hub and closes it after all tests.
   */
  public static final class Pool implements AutoCloseable {
    private final Path kubeconfig;
    private final String namespacePrefix;
    private final java.util.Map<Integer, KubectlRunner> runners = new java.util.TreeMap<>();

    public Pool(Path kubeconfig, String namespacePrefix) {
      this.kubeconfig = kubeconfig;
      this.namespacePrefix = namespacePrefix;
    }

    public synchronized KubectlRunner runner(Binary binary) {
      return runners.computeIfAbsent(
          binary.minor(),
          m -> {
            KubectlRunner r = of(binary, kubeconfig);
            r.createNamespace(namespace(binary));
            return r;
          });
    }

    /** The namespace of this binary's tests, e.g. "kb-1-29". */
    public String namespace(Binary binary) {
      return namespacePrefix + "-1-" + binary.minor();
    }

    @Override
    public synchronized void close() {
      runners.values().forEach(KubectlRunner::close);
      runners.clear();
    }
  }

  /** Kills background processes and removes the cache and output files. */
  @Override
  public void close() {
    synchronized (background) {
      for (Background b : background) {
        b.close();
      }
    }
    try (Stream<Path> files = Files.walk(work)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort: a temp directory
    }
  }

  @Override
  public String toString() {
    return "kubectl " + version();
  }
}
