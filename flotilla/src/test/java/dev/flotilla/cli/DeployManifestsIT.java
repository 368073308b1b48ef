package dev.flotilla.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flotilla.apiserver.HubConfig;
import dev.flotilla.apiserver.HubServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The manifests under deploy/ are valid Kubernetes objects: kubectl's client-side dry run (which
 * still asks a server for discovery and the OpenAPI schema: the hub serves both) and a server-side
 * dry run with strict field validation against the hub's built-in schemas.
 */
class DeployManifestsIT {
  @TempDir Path tmp;

  private static Path repoRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("deploy/hub"))) {
        return p;
      }
    }
    throw new IllegalStateException("deploy/hub not found above " + Path.of("").toAbsolutePath());
  }

  private static Optional<Path> kubectl() throws Exception {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path p = Path.of(d, "kubectl");
      if (Files.isExecutable(p)) {
        Path newest = p.toRealPath().resolveSibling("kubectl.1.33");
        return Optional.of(Files.isExecutable(newest) ? newest : p);
      }
    }
    return Optional.empty();
  }

  private record Run(int code, String output) {}

  private Run kubectl(Path kubectl, Path kubeconfig, String... args) throws Exception {
    List<String> cmd =
        new ArrayList<>(List.of(kubectl.toString(), "--kubeconfig", kubeconfig.toString()));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile(tmp, "kubectl", ".out");
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "kubectl " + String.join(" ", args));
    return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
  }

  @Test
  void deployManifestsPassClientAndStrictServerDryRuns() throws Exception {
    Optional<Path> kubectl = kubectl();
    assumeTrue(kubectl.isPresent(), "SKIPPED: no kubectl on PATH");
    Path root = repoRoot();
    try (HubServer hub = HubServer.create(HubConfig.of(tmp.resolve("hub"), 0)).start()) {
      Path kubeconfig = hub.writeKubeconfig(List.of());
      Run system = kubectl(kubectl.get(), kubeconfig, "create", "namespace", "flotilla-system");
      assertEquals(0, system.code(), "flotilla-system: " + system.output());
      // deploy/agent creates karmada-system itself, but a server-side dry run creates nothing, so
      // the objects in it would be refused as in a namespace not found (kube-apiserver does the
      // same): it exists beforehand here, as after a first `kubectl apply` in a member.
      Run ns = kubectl(kubectl.get(), kubeconfig, "create", "namespace", "karmada-system");
      assertTrue(
          ns.code() == 0 || ns.output().contains("AlreadyExists"),
          "karmada-system: " + ns.output());
      for (String dir : List.of("deploy/hub", "deploy/agent")) {
        String files = root.resolve(dir).toString();
        Run client = kubectl(kubectl.get(), kubeconfig, "apply", "--dry-run=client", "-f", files);
        assertEquals(0, client.code(), dir + ": " + client.output());
        Run server =
            kubectl(
                kubectl.get(),
                kubeconfig,
                "apply",
                "--dry-run=server",
                "--validate=strict",
                "-f",
                files);
        assertEquals(0, server.code(), dir + ": " + server.output());
        assertTrue(server.output().contains("(server dry run)"), server.output());
      }
      // The check can fail: a misspelt field in a copy of the hub's manifest is refused.
      Path broken = tmp.resolve("broken.yaml");
      Files.writeString(
          broken,
          Files.readString(root.resolve("deploy/hub/hub.yaml"))
              .replace("readOnlyRootFilesystem: true", "readOnlyRootFileSystem: true"));
      Run bad =
          kubectl(
              kubectl.get(),
              kubeconfig,
              "apply",
              "--dry-run=server",
              "--validate=strict",
              "-f",
              broken.toString());
      assertNotEquals(0, bad.code(), bad.output());
      assertTrue(bad.output().contains("readOnlyRootFileSystem"), bad.output());
    }
  }
}
