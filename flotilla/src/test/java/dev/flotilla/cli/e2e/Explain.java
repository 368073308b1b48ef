package dev.flotilla.cli.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.cli.FlotillaCommand;
import dev.flotilla.controller.runtime.Trees;
import io.fabric8.kubernetes.api.model.Event;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/** What the explaining tests share: stock kubectl by version, the CLI in process, Events. */
final class Explain {
  private Explain() {}

  /** A command's exit code and its output. */
  record Run(int code, String out, String err) {
    String all() {
      return out + err;
    }
  }

  /** {@code kubectl.1.NN} beside the resolved path of {@code kubectl} on the PATH. */
  static Path kubectl(String minor) {
    for (String dir : System.getenv("PATH").split(java.io.File.pathSeparator)) {
      Path k = Path.of(dir, "kubectl");
      if (Files.isExecutable(k)) {
        try {
          Path versioned = k.toRealPath().getParent().resolve("kubectl.1." + minor);
          if (Files.isExecutable(versioned)) {
            return versioned;
          }
        } catch (IOException e) {
          // try the next PATH entry
        }
      }
    }
    throw new AssertionError("kubectl.1." + minor + " not found beside kubectl on the PATH");
  }

  /** Runs a process and returns its exit code, stdout and stderr. */
  static Run exec(List<String> cmd) {
    try {
      Process p = new ProcessBuilder(cmd).start();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      Thread t1 = new Thread(() -> copy(p.getInputStream(), out));
      Thread t2 = new Thread(() -> copy(p.getErrorStream(), err));
      t1.start();
      t2.start();
      if (!p.waitFor(180, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("timed out: " + cmd);
      }
      t1.join();
      t2.join();
      return new Run(
          p.exitValue(),
          out.toString(StandardCharsets.UTF_8),
          err.toString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Runs kubectl 1.{@code minor} against {@code kubeconfig}. */
  static Run kubectl(String minor, Path kubeconfig, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(kubectl(minor).toString());
    cmd.add("--kubeconfig");
    cmd.add(kubeconfig.toString());
    cmd.addAll(List.of(args));
    return exec(cmd);
  }

  /** Runs {@code flotilla ARGS} in this JVM. */
  static Run flotilla(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = new CommandLine(new FlotillaCommand());
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int code = cmd.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  /** The Events about an object (by uid) in its namespace. */
  static List<Event> events(Fleet fleet, String namespace, JsonNode about) {
    return fleet
        .hubClient()
        .v1()
        .events()
        .inNamespace(namespace == null ? "default" : namespace)
        .withField("involvedObject.uid", Trees.text(about, "metadata", "uid"))
        .list()
        .getItems();
  }

  /** The reasons of those Events. */
  static List<String> reasons(List<Event> events) {
    List<String> out = new ArrayList<>();
    events.forEach(e -> out.add(e.getReason()));
    return out;
  }

  private static void copy(java.io.InputStream in, ByteArrayOutputStream out) {
    try {
      in.transferTo(out);
    } catch (IOException ignored) {
      // process gone
    }
  }
}
