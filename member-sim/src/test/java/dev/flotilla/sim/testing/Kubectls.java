package dev.flotilla.sim.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Stock kubectl binaries ({@code kubectl.1.N} beside {@code $(readlink -f $(command -v kubectl))})
 * run against a kubeconfig, with exit code, stdout and stderr captured.
 */
public final class Kubectls {
  private Kubectls() {}

  /** What one run left behind. */
  public record Result(int exitCode, String stdout, String stderr) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\nstdout: " + stdout + "\nstderr: " + stderr;
    }
  }

  /** {@code kubectl.1.<minor>}, if installed. */
  public static Optional<Path> binary(int minor) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, "kubectl");
      if (Files.isExecutable(candidate)) {
        try {
          Path versioned = candidate.toRealPath().getParent().resolve("kubectl.1." + minor);
          return Files.isExecutable(versioned) ? Optional.of(versioned) : Optional.empty();
        } catch (IOException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  /** Runs {@code binary --kubeconfig kubeconfig args...}; at most {@code timeoutSeconds}. */
  public static Result run(Path binary, Path kubeconfig, long timeoutSeconds, String... args) {
    List<String> cmd =
        new ArrayList<>(List.of(binary.toString(), "--kubeconfig", kubeconfig.toString()));
    cmd.addAll(List.of(args));
    try {
      Path out = Files.createTempFile("kubectl-out", ".txt");
      Path err = Files.createTempFile("kubectl-err", ".txt");
      Process p =
          new ProcessBuilder(cmd)
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .redirectInput(ProcessBuilder.Redirect.PIPE)
              .start();
      p.getOutputStream().close(); // no terminal, no input: as a script runs it
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("kubectl did not end within " + timeoutSeconds + "s: " + cmd);
      }
      return new Result(
          p.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
