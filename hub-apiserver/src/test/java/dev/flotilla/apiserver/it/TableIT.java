package dev.flotilla.apiserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Table output as stock kubectl sees it: server-side columns for built-in kinds, CRD printer
 * columns for Karmada kinds, {@code -o wide}, {@code --show-labels} and {@code get -w}, with
 * every installed kubectl minor version. Skipped when no kubectl is installed.
 */
class TableIT {
  private static TestHub hub;
  private static Path kubectl;
  private static List<Path> versioned = new ArrayList<>();
  private static Path work;

  @BeforeAll
  static void start() throws Exception {
    kubectl = findKubectl();
    Assumptions.assumeTrue(kubectl != null, "no kubectl on PATH: Table tests skipped");
    Path dir = kubectl.toRealPath().getParent();
    for (int minor = 27; minor <= 33; minor++) {
      Path v = dir.resolve("kubectl.1." + minor);
      if (Files.isExecutable(v)) {
        versioned.add(v);
      }
    }
    if (!versioned.isEmpty()) {
      // The versioned binaries skip the dispatcher; the newest is the main client.
      kubectl = versioned.get(versioned.size() - 1);
    }
    hub = TestHub.start();
    work = Files.createTempDirectory("flotilla-table-it");
    Path manifests = work.resolve("objects.yaml");
    Files.writeString(manifests, """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: default
          labels: {app: web, tier: front}
        spec:
          replicas: 3
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers:
              - {name: nginx, image: "nginx:1.27"}
              - {name: sidecar, image: "busybox:1.36"}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: default}
        spec:
          type: NodePort
          clusterIP: 10.96.0.12
          clusterIPs: [10.96.0.12]
          selector: {app: web}
          ports:
          - {name: http, port: 80, protocol: TCP, nodePort: 30080}
          - {name: https, port: 443, protocol: TCP}
        ---
        apiVersion: cluster.karmada.io/v1alpha1
        kind: Cluster
        metadata: {name: member1}
        spec:
          syncMode: Pull
          apiEndpoint: https://10.1.0.1:6443
          provider: aws
          region: eu-west-1
          zones: [eu-west-1a, eu-west-1b]
        ---
        apiVersion: policy.karmada.io/v1alpha1
        kind: PropagationPolicy
        metadata: {name: web-pp, namespace: default}
        spec:
          conflictResolution: Overwrite
          priority: 5
          resourceSelectors:
          - {apiVersion: apps/v1, kind: Deployment, name: web}
        """);
    run(kubectl, "apply", "-f", manifests.toString());
    run(kubectl, "patch", "deployment", "web", "-n", "default", "--subresource=status",
        "--type=merge", "-p",
        "{\"status\":{\"replicas\":3,\"readyReplicas\":2,\"updatedReplicas\":3,"
            + "\"availableReplicas\":2}}");
    run(kubectl, "patch", "cluster", "member1", "--subresource=status", "--type=merge", "-p",
        "{\"status\":{\"kubernetesVersion\":\"v1.33.1\",\"conditions\":[{\"type\":\"Ready\","
            + "\"status\":\"True\",\"reason\":\"ClusterReady\",\"message\":\"cluster is healthy\","
            + "\"lastTransitionTime\":\"2025-01-01T00:00:00Z\"}]}}");
  }

  @AfterAll
  static void stop() {
    if (hub != null) {
      hub.close();
    }
  }

  @Test
  void deploymentsShowReplicaColumns() throws Exception {
    List<List<String>> t = table(run(kubectl, "get", "deployments", "-n", "default"));
    assertEquals(List.of("NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"), t.get(0));
    assertEquals(List.of("web", "2/3", "3", "2"), t.get(1).subList(0, 4));
    assertTrue(t.get(1).get(4).matches("\\d+[smhd].*"), "age: " + t.get(1).get(4));
  }

  @Test
  void wideAddsContainersImagesAndSelector() throws Exception {
    List<List<String>> t = table(run(kubectl, "get", "deploy", "web", "-n", "default", "-o",
        "wide"));
    assertEquals(List.of("NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE", "CONTAINERS",
        "IMAGES", "SELECTOR"), t.get(0));
    assertEquals(List.of("nginx,sidecar", "nginx:1.27,busybox:1.36", "app=web"),
        t.get(1).subList(5, 8));
  }

  @Test
  void showLabelsReadsRowMetadata() throws Exception {
    List<List<String>> t = table(run(kubectl, "get", "deploy", "-n", "default",
        "--show-labels"));
    assertEquals("LABELS", t.get(0).get(t.get(0).size() - 1));
    assertEquals("app=web,tier=front", t.get(1).get(t.get(1).size() - 1));
  }

  @Test
  void servicesShowTypeClusterIpAndPorts() throws Exception {
    List<List<String>> t = table(run(kubectl, "get", "svc", "-n", "default"));
    assertEquals(List.of("NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"), t.get(0));
    assertEquals(List.of("web", "NodePort", "10.96.0.12", "<none>", "80:30080/TCP,443/TCP"),
        t.get(1).subList(0, 5));
    List<List<String>> wide = table(run(kubectl, "get", "svc", "web", "-n", "default", "-o",
        "wide"));
    assertEquals("SELECTOR", wide.get(0).get(6));
    assertEquals("app=web", wide.get(1).get(6));
  }

  @Test
  void clustersUseTheCrdPrinterColumns() throws Exception {
    List<List<String>> t = table(run(kubectl, "get", "clusters"));
    assertEquals(List.of("NAME", "VERSION", "MODE", "READY", "AGE"), t.get(0));
    assertEquals(List.of("member1", "v1.33.1", "Pull", "True"), t.get(1).subList(0, 4));

    List<String> lines = lines(run(kubectl, "get", "clusters", "-o", "wide"));
    assertTrue(lines.get(0).matches("NAME\\s+VERSION\\s+MODE\\s+READY\\s+AGE\\s+API ENDPOINT\\s+"
        + "PROVIDER\\s+REGION\\s+ZONES"), lines.get(0));
    List<String> row = Arrays.asList(lines.get(1).trim().split("\\s+"));
    assertEquals(List.of("https://10.1.0.1:6443", "aws", "eu-west-1",
        "[\"eu-west-1a\",\"eu-west-1b\"]"), row.subList(5, 9));
  }

  @Test
  void propagationPoliciesByShortName() throws Exception {
    List<List<String>> t = table(run(kubectl, "get", "pp", "-n", "default"));
    assertEquals(List.of("NAME", "CONFLICT-RESOLUTION", "PRIORITY", "AGE"), t.get(0));
    assertEquals(List.of("web-pp", "Overwrite", "5"), t.get(1).subList(0, 3));
  }

  @Test
  void kindsWithoutPrintersShowCreatedAt() throws Exception {
    List<String> lines = lines(run(kubectl, "get", "crd", "clusters.cluster.karmada.io"));
    assertTrue(lines.get(0).matches("NAME\\s+CREATED AT"), lines.get(0));
    assertTrue(lines.get(1).matches("clusters\\.cluster\\.karmada\\.io\\s+"
        + "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"), lines.get(1));
  }

  @Test
  void namespacesShowStatus() throws Exception {
    List<List<String>> t = table(run(kubectl, "get", "namespace", "default"));
    assertEquals(List.of("NAME", "STATUS", "AGE"), t.get(0));
    assertEquals(List.of("default", "Active"), t.get(1).subList(0, 2));
  }

  @Test
  void everyKubectlVersionPrintsServerColumns() throws Exception {
    Assumptions.assumeFalse(versioned.isEmpty(), "no versioned kubectl binaries installed");
    for (Path bin : versioned) {
      String out = run(bin, "get", "deploy,svc,clusters", "-A", "-o", "wide");
      String where = bin.getFileName() + ":\n" + out;
      assertTrue(out.contains("CONTAINERS") && out.contains("nginx,sidecar"), where);
      assertTrue(out.contains("80:30080/TCP,443/TCP"), where);
      assertTrue(out.contains("API ENDPOINT") && out.contains("v1.33.1"), where);
    }
  }

  @Test
  void watchPrintsRowsForChanges() throws Exception {
    Process watch = start(kubectl, "get", "deploy", "web", "-n", "default", "-w");
    try {
      BlockingQueue<String> out = new LinkedBlockingQueue<>();
      Thread reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
            watch.getInputStream(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = r.readLine()) != null) {
            out.add(line);
          }
        } catch (IOException e) {
          // the process ended
        }
      });
      reader.setDaemon(true);
      reader.start();
      String header = out.poll(30, TimeUnit.SECONDS);
      assertNotNull(header, "no output from kubectl get -w");
      assertTrue(header.matches("NAME\\s+READY\\s+UP-TO-DATE\\s+AVAILABLE\\s+AGE"), header);
      String first = out.poll(30, TimeUnit.SECONDS);
      assertNotNull(first);
      assertTrue(first.matches("web\\s+2/3\\s+3\\s+2\\s+\\S+"), first);
      // Give the watch a moment to be established, then change the object.
      Thread.sleep(1000);
      run(kubectl, "patch", "deployment", "web", "-n", "default", "--subresource=status",
          "--type=merge", "-p", "{\"status\":{\"readyReplicas\":3,\"availableReplicas\":3}}");
      String next = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < deadline) {
        String line = out.poll(1, TimeUnit.SECONDS);
        if (line != null && line.matches("web\\s+3/3\\s+3\\s+3\\s+\\S+")) {
          next = line;
          break;
        }
        if (line != null && line.startsWith("NAME")) {
          fail("kubectl printed the header again: the watch events' columns differ: " + line);
        }
      }
      assertNotNull(next, "no row for the change; got " + out);
      // The watch restores the original status for the other tests.
    } finally {
      watch.destroy();
      watch.waitFor(10, TimeUnit.SECONDS);
      run(kubectl, "patch", "deployment", "web", "-n", "default", "--subresource=status",
          "--type=merge", "-p", "{\"status\":{\"readyReplicas\":2,\"availableReplicas\":2}}");
    }
  }

  // ---- helpers ----

  private static Path findKubectl() {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      Path p = Path.of(dir, "kubectl");
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  private static List<String> command(Path bin, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(bin.toString());
    cmd.add("--kubeconfig=" + hub.kubeconfig());
    cmd.add("--cache-dir=" + work.resolve("cache-" + bin.getFileName()));
    cmd.addAll(Arrays.asList(args));
    return cmd;
  }

  private static Process start(Path bin, String... args) throws IOException {
    return new ProcessBuilder(command(bin, args))
        .redirectError(work.resolve("watch.err").toFile())
        .start();
  }

  /** Runs kubectl and returns its stdout; fails the test when it exits non-zero. */
  private static String run(Path bin, String... args) throws Exception {
    Path stdout = Files.createTempFile(work, "out", ".txt");
    Path stderr = Files.createTempFile(work, "err", ".txt");
    Process p = new ProcessBuilder(command(bin, args))
        .redirectOutput(stdout.toFile())
        .redirectError(stderr.toFile())
        .start();
    if (!p.waitFor(90, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("kubectl " + String.join(" ", args) + " timed out");
    }
    String out = Files.readString(stdout);
    if (p.exitValue() != 0) {
      fail("kubectl " + String.join(" ", args) + " exited " + p.exitValue() + ": "
          + Files.readString(stderr) + out);
    }
    return out;
  }

  private static List<String> lines(String out) {
    List<String> lines = new ArrayList<>();
    for (String l : out.split("\n")) {
      if (!l.isBlank()) {
        lines.add(l);
      }
    }
    assertTrue(lines.size() >= 2, "expected a header and rows:\n" + out);
    return lines;
  }

  /** Splits kubectl's table on runs of 2+ spaces, so "UP-TO-DATE" and "5m" stay whole. */
  private static List<List<String>> table(String out) {
    List<List<String>> rows = new ArrayList<>();
    for (String l : lines(out)) {
      rows.add(Arrays.asList(l.trim().split("\\s{2,}")));
    }
    return rows;
  }
}
