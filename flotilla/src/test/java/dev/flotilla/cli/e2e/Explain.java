package dev.flotilla.cli.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.cli.FlotillaCommand;
import dev.flotilla.controller.runtime.Trees;
import dev.flotilla.fixtures.KubectlRunner;
import io.fabric8.kubernetes.api.model.Event;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

  /** Runs stock kubectl 1.{@code minor} against {@code kubeconfig}. */
  static Run kubectl(String minor, Path kubeconfig, String... args) {
    KubectlRunner.Binary binary =
        KubectlRunner.installed(Integer.parseInt(minor))
            .orElseThrow(
                () ->
                    new AssertionError(
                        "kubectl.1." + minor + ": " + KubectlRunner.notInstalledMessage()));
    try (KubectlRunner kubectl = KubectlRunner.of(binary, kubeconfig)) {
      KubectlRunner.Result r = kubectl.run(null, Duration.ofSeconds(180), args);
      return new Run(r.exitCode(), r.stdout(), r.stderr());
    }
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
}
