package dev.flotilla.mcs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs an example README as written: its {@code sh} fenced blocks, in order, as one bash script
 * (set -euo pipefail) from the repository root, with KUBECONFIG pointing at a fleet and a {@code
 * flotilla} command on PATH that runs the launcher from the test classpath.
 */
final class Walkthroughs {
  private Walkthroughs() {}

  static List<String> shBlocks(Path readme) throws IOException {
    List<String> blocks = new ArrayList<>();
    StringBuilder current = null;
    for (String line : Files.readAllLines(readme)) {
      if (current == null && line.strip().equals("```sh")) {
        current = new StringBuilder();
      } else if (current != null && line.strip().equals("```")) {
        blocks.add(current.toString());
        current = null;
      } else if (current != null) {
        current.append(line).append('\n');
      }
    }
    return blocks;
  }

  static String run(McsFleet fleet, Path readme) throws IOException {
    Path root = readme.getParent().getParent().getParent();
    Path bin = Files.createTempDirectory(fleet.dir, "bin");
    Path shim = bin.resolve("flotilla");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Files.writeString(
        shim,
        "#!/usr/bin/env bash\nexec '"
            + java
            + "' -cp '"
            + System.getProperty("java.class.path")
            + "' dev.flotilla.cli.FlotillaCommand \"$@\"\n");
    shim.toFile().setExecutable(true);
    String script = "set -euo pipefail\nset -x\n" + String.join("\n", shBlocks(readme));
    return McsFleet.Shell.run(
        List.of("bash", "-c", script),
        root,
        Map.of(
            "KUBECONFIG", fleet.kubeconfig.toString(), "PATH", bin + ":" + System.getenv("PATH")));
  }
}
