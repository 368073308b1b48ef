package dev.flotilla.apiserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.fixtures.KubectlRunner;
import dev.flotilla.fixtures.KubectlRunner.Background;
import dev.flotilla.fixtures.KubectlRunner.Binary;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Table output as every installed stock kubectl sees it: kube-apiserver's server-side columns for
 * built-in kinds, the CRD printer columns of Flotilla's Karmada kinds, {@code -o wide}, {@code
 * --show-labels} and {@code get -w}. Skipped, visibly, where no kubectl is installed.
 */
class TableIT {
  private static final String BINARIES = "dev.flotilla.fixtures.KubectlRunner#binaries";
  private static final Duration WAIT = Duration.ofSeconds(20);
  @RegisterExtension static final KubectlHub rig = KubectlHub.withNamespacePrefix("tb");
  private static final Set<Integer> seeded = new HashSet<>();

  private static String deployment(String name, String ns) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: %s
          namespace: %s
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
        """
        .formatted(name, ns);
  }

  private static String objects(String ns, String cluster) {
    return deployment("web", ns)
        + "---\n"
        + deployment("watched", ns)
        + """
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: %1$s}
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
        metadata: {name: %2$s}
        spec:
          syncMode: Pull
          apiEndpoint: https://10.1.0.1:6443
          provider: aws
          region: eu-west-1
          zones: [eu-west-1a, eu-west-1b]
        ---
        apiVersion: policy.karmada.io/v1alpha1
        kind: PropagationPolicy
        metadata: {name: web-pp, namespace: %1$s}
        spec:
          conflictResolution: Overwrite
          priority: 5
          resourceSelectors:
          - {apiVersion: apps/v1, kind: Deployment, name: web}
        """
            .formatted(ns, cluster);
  }

  private static String cluster(Binary binary) {
    return "member-1-" + binary.minor();
  }

  /** The binary's runner, with its namespace holding the objects the tests print. */
  private static KubectlRunner seed(Binary binary) {
    KubectlRunner kubectl = rig.pool().runner(binary);
    synchronized (seeded) {
      if (seeded.add(binary.minor())) {
        String ns = rig.pool().namespace(binary);
        kubectl.writeWithInput(objects(ns, cluster(binary)), "create", "-f", "-").assertOk();
        String status =
            "{\"status\":{\"replicas\":3,\"readyReplicas\":2,\"updatedReplicas\":3,"
                + "\"availableReplicas\":2}}";
        for (String name : List.of("web", "watched")) {
          kubectl
              .run(
                  "-n",
                  ns,
                  "patch",
                  "deployment",
                  name,
                  "--subresource=status",
                  "--type=merge",
                  "-p",
                  status)
              .assertOk();
        }
        kubectl
            .run(
                "patch",
                "cluster",
                cluster(binary),
                "--subresource=status",
                "--type=merge",
                "-p",
                "{\"status\":{\"kubernetesVersion\":\"v1.33.1\",\"conditions\":[{\"type\":"
                    + "\"Ready\",\"status\":\"True\",\"reason\":\"ClusterReady\",\"message\":"
                    + "\"cluster is healthy\",\"lastTransitionTime\":\"2025-01-01T00:00:00Z\"}]}}")
            .assertOk();
      }
    }
    return kubectl;
  }

  /** Lines of kubectl's table, split on runs of 2+ spaces ("UP-TO-DATE", "API ENDPOINT" stay). */
  private static List<List<String>> table(String out) {
    List<List<String>> rows = new ArrayList<>();
    for (String l : out.split("\n")) {
      if (!l.isBlank()) {
        rows.add(Arrays.asList(l.trim().split("\\s{2,}")));
      }
    }
    assertTrue(rows.size() >= 2, "expected a header and rows:\n" + out);
    return rows;
  }

  private static List<String> row(List<List<String>> table, String name) {
    return table.stream()
        .filter(r -> r.get(0).equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no row " + name + " in " + table));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(BINARIES)
  void deploymentsShowReplicaColumns(Binary binary) {
    KubectlRunner kubectl = seed(binary);
    String ns = rig.pool().namespace(binary);
    List<List<String>> t = table(kubectl.run("-n", ns, "get", "deployments").assertOk().stdout());
    assertEquals(List.of("NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"), t.get(0));
    List<String> web = row(t, "web");
    assertEquals(List.of("web", "2/3", "3", "2"), web.subList(0, 4));
    assertTrue(web.get(4).matches("\\d+[smhd].*"), "age: " + web);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(BINARIES)
  void wideAddsContainersImagesAndSelector(Binary binary) {
    KubectlRunner kubectl = seed(binary);
    String ns = rig.pool().namespace(binary);
    List<List<String>> t =
        table(kubectl.run("-n", ns, "get", "deploy", "web", "-o", "wide").assertOk().stdout());
    assertEquals(
        List.of(
            "NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"),
        t.get(0));
    assertEquals(
        List.of("nginx,sidecar", "nginx:1.27,busybox:1.36", "app=web"),
        row(t, "web").subList(5, 8));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(BINARIES)
  void showLabelsReadsTheRowsMetadata(Binary binary) {
    KubectlRunner kubectl = seed(binary);
    String ns = rig.pool().namespace(binary);
    List<List<String>> t =
        table(kubectl.run("-n", ns, "get", "deploy", "web", "--show-labels").assertOk().stdout());
    assertEquals("LABELS", t.get(0).get(t.get(0).size() - 1));
    List<String> web = row(t, "web");
    assertEquals("app=web,tier=front", web.get(web.size() - 1));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(BINARIES)
  void servicesShowTypeClusterIpAndPorts(Binary binary) {
    KubectlRunner kubectl = seed(binary);
    String ns = rig.pool().namespace(binary);
    List<List<String>> t = table(kubectl.run("-n", ns, "get", "svc").assertOk().stdout());
    assertEquals(List.of("NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"), t.get(0));
    assertEquals(List.of("web", "NodePort", "10.96.0.12", "<none>"), row(t, "web").subList(0, 4));
    // The https port had no nodePort in the manifest: the server allocates one, as upstream.
    assertTrue(
        row(t, "web").get(4).matches("80:30080/TCP,443:3\\d{4}/TCP"), row(t, "web").toString());
    List<List<String>> wide =
        table(kubectl.run("-n", ns, "get", "svc", "web", "-o", "wide").assertOk().stdout());
    assertEquals("SELECTOR", wide.get(0).get(6));
    assertEquals("app=web", row(wide, "web").get(6));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(BINARIES)
  void clustersUseTheCrdPrinterColumns(Binary binary) {
    KubectlRunner kubectl = seed(binary);
    String name = cluster(binary);
    List<List<String>> t = table(kubectl.run("get", "clusters").assertOk().stdout());
    assertEquals(List.of("NAME", "VERSION", "MODE", "READY", "AGE"), t.get(0));
    assertEquals(List.of(name, "v1.33.1", "Pull", "True"), row(t, name).subList(0, 4));

    List<List<String>> wide =
        table(kubectl.run("get", "cluster", name, "-o", "wide").assertOk().stdout());
    assertEquals(
        List.of(
            "NAME",
            "VERSION",
            "MODE",
            "READY",
            "AGE",
            "API ENDPOINT",
            "PROVIDER",
            "REGION",
            "ZONES"),
        wide.get(0));
    assertEquals(
        List.of("https://10.1.0.1:6443", "aws", "eu-west-1", "[\"eu-west-1a\",\"eu-west-1b\"]"),
        row(wide, name).subList(5, 9));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(BINARIES)
  void propagationPoliciesByShortName(Binary binary) {
    KubectlRunner kubectl = seed(binary);
    String ns = rig.pool().namespace(binary);
    List<List<String>> t = table(kubectl.run("-n", ns, "get", "pp").assertOk().stdout());
    assertEquals(List.of("NAME", "CONFLICT-RESOLUTION", "PRIORITY", "AGE"), t.get(0));
    assertEquals(List.of("web-pp", "Overwrite", "5"), row(t, "web-pp").subList(0, 3));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(BINARIES)
  void kindsWithoutPrintersShowCreatedAtAndNamespacesTheirPhase(Binary binary) {
    KubectlRunner kubectl = seed(binary);
    List<List<String>> crd =
        table(kubectl.run("get", "crd", "clusters.cluster.karmada.io").assertOk().stdout());
    assertEquals(List.of("NAME", "CREATED AT"), crd.get(0));
    assertTrue(
        row(crd, "clusters.cluster.karmada.io")
            .get(1)
            .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"),
        crd.toString());
    List<List<String>> ns =
        table(kubectl.run("get", "namespace", rig.pool().namespace(binary)).assertOk().stdout());
    assertEquals(List.of("NAME", "STATUS", "AGE"), ns.get(0));
    assertEquals("Active", row(ns, rig.pool().namespace(binary)).get(1));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(BINARIES)
  void watchPrintsOneHeaderThenARowPerChange(Binary binary) {
    KubectlRunner kubectl = seed(binary);
    String ns = rig.pool().namespace(binary);
    Pattern before = Pattern.compile("(?m)^watched\\s+2/3\\s+3\\s+2\\s+\\S+$");
    Pattern after = Pattern.compile("(?m)^watched\\s+3/3\\s+3\\s+3\\s+\\S+$");
    try (Background watch = kubectl.background("-n", ns, "get", "deploy", "watched", "-w")) {
      watch.awaitStdout(out -> before.matcher(out).find(), WAIT, "the current row");
      kubectl
          .run(
              "-n",
              ns,
              "patch",
              "deployment",
              "watched",
              "--subresource=status",
              "--type=merge",
              "-p",
              "{\"status\":{\"readyReplicas\":3,\"availableReplicas\":3}}")
          .assertOk();
      String out = watch.awaitStdout(o -> after.matcher(o).find(), WAIT, "the changed row");
      assertTrue(out.startsWith("NAME"), out);
      // Later events carry no column definitions; kubectl reuses the first and prints no header.
      assertEquals(1, out.lines().filter(l -> l.startsWith("NAME")).count(), out);
      assertTrue(watch.alive(), "get -w should still be running: " + watch.stderr());
      assertTrue(watch.stderr().isEmpty(), watch.stderr());
    } finally {
      kubectl.run(
          "-n",
          ns,
          "patch",
          "deployment",
          "watched",
          "--subresource=status",
          "--type=merge",
          "-p",
          "{\"status\":{\"readyReplicas\":2,\"availableReplicas\":2}}");
    }
  }
}
