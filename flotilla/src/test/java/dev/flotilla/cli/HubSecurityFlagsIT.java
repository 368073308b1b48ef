package dev.flotilla.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code flotilla hub} with kube-apiserver's flags, as a real process: {@code --audit-log-path} and
 * {@code --audit-policy-file} record a Secret's creation, {@code --encryption-provider-config}
 * keeps its value off the disk, and a policy without a log is refused at the command line.
 */
class HubSecurityFlagsIT {
  private static Process flotilla(Path log, String... args) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "dev.flotilla.cli.FlotillaCommand"));
    command.addAll(List.of(args));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(100);
    }
  }

  private static String read(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p, StandardCharsets.ISO_8859_1) : "";
    } catch (Exception e) {
      return "";
    }
  }

  @Test
  void auditAndEncryptionFlagsTakeEffect(@TempDir Path tmp) throws Exception {
    Path data = tmp.resolve("data");
    Path audit = tmp.resolve("audit").resolve("audit.log");
    Path policy = tmp.resolve("policy.yaml");
    Files.writeString(
        policy,
        "apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [RequestReceived]\nrules:\n"
            + "- level: Metadata\n  resources: [{group: '', resources: [secrets]}]\n");
    Path encryption = tmp.resolve("encryption.yaml");
    byte[] key = new byte[32];
    new java.security.SecureRandom().nextBytes(key);
    Files.writeString(
        encryption,
        "apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n"
            + "- resources: [secrets]\n  providers:\n  - secretbox:\n      keys:\n"
            + "      - name: k1\n        secret: "
            + Base64.getEncoder().encodeToString(key)
            + "\n");
    Path out = tmp.resolve("hub.out");
    Process hub =
        flotilla(
            out,
            "hub",
            "--data-dir",
            data.toString(),
            "--port",
            "0",
            "--audit-log-path",
            audit.toString(),
            "--audit-policy-file",
            policy.toString(),
            "--audit-log-maxsize",
            "10",
            "--audit-log-maxbackup",
            "2",
            "--encryption-provider-config",
            encryption.toString());
    try {
      await("the hub to serve", () -> read(out).contains("Kubeconfig: "));
      String secretValue = "s3cret-" + System.nanoTime();
      Config config =
          Config.fromKubeconfig("flotilla", Files.readString(data.resolve("kubeconfig")), null);
      try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
        client
            .secrets()
            .inNamespace("default")
            .resource(
                new SecretBuilder()
                    .withNewMetadata()
                    .withName("flagged")
                    .endMetadata()
                    .withStringData(Map.of("v", secretValue))
                    .build())
            .create();
      }
      await(
          "the audit event",
          () ->
              read(audit)
                  .contains(
                      "\"objectRef\":{\"resource\":\"secrets\",\"namespace\":\"default\",\"name\":\"flagged\""));
      assertTrue(read(audit).contains("\"level\":\"Metadata\""), read(audit));
      ByteArrayOutputStream raw = new ByteArrayOutputStream();
      try (Stream<Path> files = Files.list(data.resolve("store"))) {
        for (Path f : files.toList()) {
          raw.write(Files.readAllBytes(f));
        }
      }
      String disk = raw.toString(StandardCharsets.ISO_8859_1);
      String encoded =
          Base64.getEncoder().encodeToString(secretValue.getBytes(StandardCharsets.UTF_8));
      assertFalse(disk.contains(encoded) || disk.contains(secretValue), "plaintext on disk");
      assertTrue(disk.contains("k8s:enc:secretbox:v1:k1:"));
    } finally {
      hub.destroy();
      if (!hub.waitFor(20, TimeUnit.SECONDS)) {
        hub.destroyForcibly();
      }
    }
  }

  @Test
  void aPolicyWithoutALogIsRefused(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("hub.out");
    Process hub =
        flotilla(
            out,
            "hub",
            "--data-dir",
            tmp.resolve("data").toString(),
            "--port",
            "0",
            "--audit-policy-file",
            tmp.resolve("policy.yaml").toString());
    assertTrue(hub.waitFor(120, TimeUnit.SECONDS), "the hub should have exited");
    assertNotEquals(0, hub.exitValue());
    assertTrue(read(out).contains("--audit-policy-file needs --audit-log-path"), read(out));
  }
}
