package dev.flotilla.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.apiserver.HubConfig;
import dev.flotilla.apiserver.HubServer;
import dev.flotilla.controller.runtime.Kinds;
import dev.flotilla.controller.runtime.Trees;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code flotilla cluster cordon|uncordon|taint} against a real hub: the Cluster's taints change as
 * karmadactl changes them, with its messages; bad taint arguments and unknown clusters are refused
 * with exit code 1 and nothing changed.
 */
class ClusterCommandIT {
  private static HubServer hub;
  private static KubernetesClient admin;
  private static Path kubeconfig;

  @BeforeAll
  static void start() throws Exception {
    hub =
        HubServer.create(HubConfig.of(Files.createTempDirectory("flotilla-cluster-cmd"), 0))
            .start();
    kubeconfig = hub.writeKubeconfig(List.of());
    admin = E2ESupport.adminClient(hub);
    admin
        .genericKubernetesResources(Kinds.CLUSTER)
        .load(
            new ByteArrayInputStream(
                ("apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata: {name: member1}\n"
                        + "spec: {syncMode: Pull}\n")
                    .getBytes(StandardCharsets.UTF_8)))
        .create();
  }

  @AfterAll
  static void stop() {
    if (admin != null) {
      admin.close();
    }
    if (hub != null) {
      hub.close();
    }
  }

  private record Run(int exit, String out, String err) {}

  private static Run flotilla(String... args) {
    List<String> all = new ArrayList<>(List.of("cluster"));
    all.addAll(List.of(args));
    all.addAll(List.of("--kubeconfig", kubeconfig.toString()));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      int exit = new CommandLine(new FlotillaCommand()).execute(all.toArray(String[]::new));
      return new Run(
          exit,
          out.toString(StandardCharsets.UTF_8).trim(),
          err.toString(StandardCharsets.UTF_8).trim());
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  private static String taints() {
    List<String> out = new ArrayList<>();
    for (JsonNode t :
        Trees.tree(admin.genericKubernetesResources(Kinds.CLUSTER).withName("member1").get())
            .path("spec")
            .path("taints")) {
      String value = t.path("value").asText("");
      out.add(
          t.path("key").asText()
              + (value.isEmpty() ? "" : "=" + value)
              + ":"
              + t.path("effect").asText());
      assertTrue(t.has("timeAdded"), t.toString());
    }
    return String.join(",", out);
  }

  @Test
  void cordonTaintAndUncordonChangeTheClustersTaints() {
    assertEquals(new Run(0, "cluster/member1 cordoned", ""), flotilla("cordon", "member1"));
    assertEquals("cluster.karmada.io/unschedulable:NoSchedule", taints());
    assertEquals(new Run(0, "cluster/member1 already cordoned", ""), flotilla("cordon", "member1"));

    assertEquals(
        new Run(0, "cluster/member1 tainted", ""),
        flotilla("taint", "member1", "maintenance=yes:NoExecute"));
    Run refused = flotilla("taint", "member1", "maintenance=no:NoExecute");
    assertEquals(1, refused.exit(), refused.toString());
    assertTrue(refused.err().contains("--overwrite is false"), refused.toString());
    assertEquals("cluster.karmada.io/unschedulable:NoSchedule,maintenance=yes:NoExecute", taints());
    assertEquals(0, flotilla("taint", "member1", "maintenance=no:NoExecute", "--overwrite").exit());
    assertEquals("cluster.karmada.io/unschedulable:NoSchedule,maintenance=no:NoExecute", taints());
    assertEquals(
        new Run(0, "cluster/member1 untainted", ""), flotilla("taint", "member1", "maintenance-"));

    Run bad = flotilla("taint", "member1", "x:Sometimes");
    assertEquals(1, bad.exit(), bad.toString());
    assertTrue(bad.err().contains("invalid taint effect: Sometimes"), bad.toString());

    assertEquals(new Run(0, "cluster/member1 uncordoned", ""), flotilla("uncordon", "member1"));
    assertEquals("", taints());
    Run missing = flotilla("cordon", "member9");
    assertEquals(1, missing.exit(), missing.toString());
    assertTrue(missing.err().contains("\"member9\" not found"), missing.toString());
  }
}
