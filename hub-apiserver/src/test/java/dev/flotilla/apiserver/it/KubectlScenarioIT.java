package dev.flotilla.apiserver.it;

import static dev.flotilla.apiserver.it.KubectlBuiltinIT.stored;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.it.KubectlRunner.Background;
import dev.flotilla.apiserver.it.KubectlRunner.Binary;
import dev.flotilla.apiserver.it.KubectlRunner.Result;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The kubectl fidelity scenario of issue 3, run with default flags against every stock kubectl 1.27
 * ... 1.33 on this machine: each test is one scripted part of a user's day, on built-in kinds
 * (Deployment, ConfigMap, Service) and on Flotilla's policy and MCS kinds (PropagationPolicy,
 * OverridePolicy, ServiceExport, ServiceImport), each step checked on kubectl's output or on the
 * stored object. One hub for the class, one namespace per kubectl version, every object named
 * uniquely within it.
 *
 * <p>The tests run one after another: a kubectl run costs about 0.13 s of CPU, so on a busy
 * two-core machine running them concurrently saved little, and surefire then attributed test
 * results to the wrong classes. Keep the number of kubectl runs per test small instead; check
 * stored objects directly where kubectl's output is not the point.
 */
class KubectlScenarioIT {
  private static final String BINARIES = "dev.flotilla.apiserver.it.KubectlRunner#binaries";
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final ObjectMapper JSON = new ObjectMapper();

  private static TestHub hub;
  private static KubectlRunner.Pool pool;
  private static KubernetesClient client;

  @BeforeAll
  static void start() {
    assumeFalse(KubectlRunner.installed().isEmpty(), KubectlRunner.notInstalledMessage());
    hub = TestHub.start();
    pool = new KubectlRunner.Pool(hub.kubeconfig(), "ks");
    client = hub.client();
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    if (pool != null) {
      pool.close();
    }
    if (hub != null) {
      hub.close();
    }
  }

  // ---- manifests ----

  private static final String DEPLOYMENT =
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: NAME
        labels: {app: NAME, tier: front}
      spec:
        replicas: 2
        selector:
          matchLabels: {app: NAME}
        template:
          metadata:
            labels: {app: NAME}
          spec:
            containers:
            - name: web
              image: nginx:1.25
              env:
              - {name: MODE, value: blue}
              - {name: DEBUG, value: "1"}
            - name: sidecar
              image: busybox:1.36
      """;

  private static final String POLICY =
      """
      apiVersion: policy.karmada.io/v1alpha1
      kind: PropagationPolicy
      metadata:
        name: NAME
        labels: {team: core}
      spec:
        resourceSelectors:
          - apiVersion: apps/v1
            kind: Deployment
            name: web
        placement:
          clusterAffinity:
            clusterNames: [member1, member2]
        dependentOverrides: [web-override]
      """;

  private static final String OVERRIDE =
      """
      apiVersion: policy.karmada.io/v1alpha1
      kind: OverridePolicy
      metadata:
        name: NAME
      spec:
        resourceSelectors:
          - apiVersion: apps/v1
            kind: Deployment
            name: web
        overrideRules:
          - targetCluster:
              clusterNames: [member1]
            overriders:
              labelsOverrider:
                - operator: add
                  value: {flavour: vanilla}
      """;

  private static final String SERVICE =
      """
      apiVersion: v1
      kind: Service
      metadata:
        name: NAME
        labels: {app: NAME}
      spec:
        selector: {app: NAME}
        ports:
        - {name: http, port: 80, targetPort: 8080}
      """;

  private static final String SERVICE_IMPORT =
      """
      apiVersion: multicluster.x-k8s.io/v1alpha1
      kind: ServiceImport
      metadata:
        name: NAME
      spec:
        type: ClusterSetIP
        ips: [10.42.0.7]
        ports:
        - {name: http, port: 80, protocol: TCP}
      """;

  private static String named(String manifest, String name) {
    return manifest.replace("NAME", name);
  }

  private static String configMap(String name, String key, String value) {
    return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "
        + name
        + "\ndata:\n  "
        + key
        + ": "
        + value
        + "\n";
  }

  // ---- stored objects ----

  private static ObjectNode deployment(String ns, String name) {
    return present(stored(hub, "apps", "v1", "deployments", ns, name), "deployment " + name);
  }

  private static Optional<ObjectNode> configMapIn(String ns, String name) {
    return stored(hub, "", "v1", "configmaps", ns, name);
  }

  private static Optional<ObjectNode> policyIn(String plural, String ns, String name) {
    return stored(hub, "policy.karmada.io", "v1alpha1", plural, ns, name);
  }

  private static ObjectNode present(Optional<ObjectNode> obj, String what) {
    return obj.orElseThrow(() -> new AssertionError(what + " is not stored"));
  }

  private static List<String> lines(Result r) {
    return r.stdout().lines().toList();
  }

  /** The header row of a table, its columns split on runs of spaces. */
  private static List<String> header(Result r) {
    return List.of(lines(r).get(0).trim().split("\\s{2,}"));
  }

  // ---- the scenario ----

  @ParameterizedTest(name = "{0}")
  @MethodSource(BINARIES)
  void applyCreatesChangesAndRemovesFields(Binary binary) {
    KubectlRunner kubectl = pool.runner(binary);
    String ns = pool.namespace(binary);
    String web = named(DEPLOYMENT, "web");
    assertEquals(
        "deployment.apps/web created\n",
        kubectl.runWithInput(web, "-n", ns, "apply", "-f", "-").assertOk().stdout());
    assertEquals(
        "deployment.apps/web unchanged\n",
        kubectl.runWithInput(web, "-n", ns, "apply", "-f", "-").assertOk().stdout());

    // Change the image, drop one env entry and one label: the three-way patch removes both.
    String changed =
        web.replace("nginx:1.25", "nginx:1.26")
            .replace("        - {name: DEBUG, value: \"1\"}\n", "")
            .replace("{app: web, tier: front}", "{app: web}");
    assertEquals(
        "deployment.apps/web configured\n",
        kubectl.runWithInput(changed, "-n", ns, "apply", "-f", "-").assertOk().stdout());
    ObjectNode d = deployment(ns, "web");
    assertEquals("nginx:1.26", d.at("/spec/template/spec/containers/0/image").asText());
    assertEquals(1, d.at("/spec/template/spec/containers/0/env").size(), d.toString());
    assertEquals("MODE", d.at("/spec/template/spec/containers/0/env/0/name").asText());
    assertFalse(d.at("/metadata/labels").has("tier"), "removed label is gone: " + d);
    assertEquals("busybox:1.36", d.at("/spec/template/spec/containers/1/image").asText());

    // The same on a custom resource (merge patch): a removed field is gone from the object.
    String policy = named(POLICY, "web-policy");
    kubectl.runWithInput(policy, "-n", ns, "apply", "-f", "-").assertOk();
    assertEquals(
        "web-override",
        present(policyIn("propagationpolicies", ns, "web-policy"), "policy")
            .at("/spec/dependentOverrides/0")
            .asText());
    assertEquals(
        "propagationpolicy.policy.karmada.io/web-policy configured\n",
        kubectl
            .runWithInput(
                policy
                    .replace("  dependentOverrides: [web-override]\n", "")
                    .replace("[member1, member2]", "[member1]"),
                "-n",
                ns,
                "apply",
                "-f",
                "-")
            .assertOk()
            .stdout());
    ObjectNode pp = present(policyIn("propagationpolicies", ns, "web-policy"), "policy");
    assertFalse(pp.path("spec").has("dependentOverrides"), pp.toString());
    assertEquals(1, pp.at("/spec/placement/clusterAffinity/clusterNames").size(), pp.toString());

    // replace with the stored resourceVersion, as a user round-tripping -o yaml does.
    Result yaml = kubectl.run("-n", ns, "get", "pp", "web-policy", "-o", "yaml").assertOk();
    assertEquals(
        "propagationpolicy.policy.karmada.io/web-policy replaced\n",
        kubectl
            .runWithInput(
                yaml.stdout().replace("- member1", "- member3"), "-n", ns, "replace", "-f", "-")
            .assertOk()
            .stdout());

    // Unknown fields are refused by the server (fieldValidation=Strict), nothing stored.
    Result unknown =
        kubectl
            .runWithInput(
                configMap("strict", "k", "v") + "colour: red\n", "-n", ns, "create", "-f", "-")
            .assertFails();
    assertTrue(
        unknown.stderr().contains("strict decoding error: unknown field \"colour\""),
        unknown.toString());
    assertTrue(configMapIn(ns, "strict").isEmpty());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(BINARIES)
  void serverSideApplyConflictsAndForce(Binary binary) {
    KubectlRunner kubectl = pool.runner(binary);
    String ns = pool.namespace(binary);
    String mine = configMap("owned", "a", "\"1\"") + "  b: x\n";
    assertEquals(
        "configmap/owned serverside-applied\n",
        kubectl
            .runWithInput(mine, "-n", ns, "apply", "--server-side", "-f", "-")
            .assertOk()
            .stdout());

    String theirs = configMap("owned", "a", "\"2\"");
    Result conflict =
        kubectl
            .runWithInput(
                theirs, "-n", ns, "apply", "--server-side", "--field-manager=other", "-f", "-")
            .assertFails();
    assertTrue(
        conflict
            .stderr()
            .contains("Apply failed with 1 conflict: conflict with \"kubectl\": .data.a"),
        conflict.toString());
    assertEquals("1", present(configMapIn(ns, "owned"), "cm").at("/data/a").asText());

    kubectl
        .runWithInput(
            theirs,
            "-n",
            ns,
            "apply",
            "--server-side",
            "--field-manager=other",
            "--force-conflicts",
            "-f",
            "-")
        .assertOk();
    ObjectNode cm = present(configMapIn(ns, "owned"), "cm");
    assertEquals("2", cm.at("/data/a").asText());
    assertEquals("x", cm.at("/data/b").asText(), "b stays with its manager");
    assertEquals(
        Map.of("kubectl", "{\"f:data\":{\"f:b\":{}}}", "other", "{\"f:data\":{\"f:a\":{}}}"),
        managers(cm));

    // An MCS kind, created by server-side apply and then re-applied without its IPs.
    String imported = named(SERVICE_IMPORT, "imported");
    kubectl.runWithInput(imported, "-n", ns, "apply", "--server-side", "-f", "-").assertOk();
    kubectl
        .runWithInput(
            imported.replace("  ips: [10.42.0.7]\n", ""),
            "-n",
            ns,
            "apply",
            "--server-side",
            "-f",
            "-")
        .assertOk();
    ObjectNode si =
        present(
            stored(hub, "multicluster.x-k8s.io", "v1alpha1", "serviceimports", ns, "imported"),
            "serviceimport");
    assertFalse(si.path("spec").has("ips"), "fields no longer applied are removed: " + si);
    assertEquals(80, si.at("/spec/ports/0/port").asInt(), si.toString());
  }

  private static Map<String, String> managers(ObjectNode obj) {
    java.util.TreeMap<String, String> out = new java.util.TreeMap<>();
    for (JsonNode m : obj.at("/metadata/managedFields")) {
      out.put(m.path("manager").asText(), m.path("fieldsV1").toString());
    }
    return out;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(BINARIES)
  void diffShowsTheChangeAndExitsOne(Binary binary) throws Exception {
    KubectlRunner kubectl = pool.runner(binary);
    String ns = pool.namespace(binary);
    String both = configMap("diffed", "k", "v") + "---\n" + named(OVERRIDE, "diffed-override");
    kubectl.runWithInput(both, "-n", ns, "apply", "-f", "-").assertOk();
    Path file = kubectl.workDir().resolve("diffed.yaml");
    Files.writeString(file, both);
    assertEquals(0, kubectl.run("-n", ns, "diff", "-f", file.toString()).exitCode());

    Files.writeString(file, both.replace("k: v", "k: w").replace("vanilla", "chocolate"));
    Result diff = kubectl.run("-n", ns, "diff", "-f", file.toString());
    assertEquals(1, diff.exitCode(), diff.toString());
    List<String> out = lines(diff);
    assertTrue(out.contains("-  k: v") && out.contains("+  k: w"), diff.toString());
    assertTrue(out.stream().anyMatch(l -> l.matches("\\+\\s+flavour: chocolate")), diff.toString());
    assertEquals("v", present(configMapIn(ns, "diffed"), "cm").at("/data/k").asText());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(BINARIES)
  void patchWithEveryType(Binary binary) {
    KubectlRunner kubectl = pool.runner(binary);
    String ns = pool.namespace(binary);
    kubectl.runWithInput(named(DEPLOYMENT, "patched"), "-n", ns, "apply", "-f", "-").assertOk();

    // Strategic (the default): containers merge by name, so the sidecar stays.
    assertEquals(
        "deployment.apps/patched patched\n",
        kubectl
            .run(
                "-n",
                ns,
                "patch",
                "deploy",
                "patched",
                "-p",
                "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"nginx:2\"}]}}}}")
            .assertOk()
            .stdout());
    kubectl
        .run(
            "-n",
            ns,
            "patch",
            "deploy",
            "patched",
            "--type=merge",
            "-p",
            "{\"metadata\":{\"labels\":{\"patched\":\"merge\"}}}")
        .assertOk();
    kubectl
        .run(
            "-n",
            ns,
            "patch",
            "deploy",
            "patched",
            "--type=json",
            "-p",
            "[{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":4}]")
        .assertOk();
    ObjectNode d = deployment(ns, "patched");
    assertEquals("nginx:2", d.at("/spec/template/spec/containers/0/image").asText());
    assertEquals("sidecar", d.at("/spec/template/spec/containers/1/name").asText(), d.toString());
    assertEquals("merge", d.at("/metadata/labels/patched").asText());
    assertEquals(4, d.at("/spec/replicas").asInt());

    // A custom resource: merge and json patches work, strategic is refused and changes nothing.
    kubectl.runWithInput(named(POLICY, "patched-policy"), "-n", ns, "apply", "-f", "-").assertOk();
    kubectl
        .run(
            "-n",
            ns,
            "patch",
            "pp",
            "patched-policy",
            "--type=merge",
            "-p",
            "{\"spec\":{\"priority\":7}}")
        .assertOk();
    kubectl
        .run(
            "-n",
            ns,
            "patch",
            "pp",
            "patched-policy",
            "--type=json",
            "-p",
            "[{\"op\":\"add\",\"path\":\"/spec/placement/clusterAffinity/clusterNames/-\","
                + "\"value\":\"member9\"}]")
        .assertOk();
    Result strategic =
        kubectl
            .run("-n", ns, "patch", "pp", "patched-policy", "-p", "{\"spec\":{\"priority\":8}}")
            .assertFails();
    assertTrue(strategic.stderr().contains("strategic"), strategic.toString());
    ObjectNode pp = present(policyIn("propagationpolicies", ns, "patched-policy"), "policy");
    assertEquals(7, pp.at("/spec/priority").asInt());
    assertEquals("member9", pp.at("/spec/placement/clusterAffinity/clusterNames/2").asText());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(BINARIES)
  void editThroughAnEditorScript(Binary binary) throws Exception {
    KubectlRunner kubectl = pool.runner(binary);
    String ns = pool.namespace(binary);
    kubectl
        .runWithInput(
            configMap("edited", "colour", "blue") + "---\n" + named(POLICY, "edited-policy"),
            "-n",
            ns,
            "apply",
            "-f",
            "-")
        .assertOk();
    Path editor = kubectl.workDir().resolve("editor.sh");
    Files.writeString(
        editor,
        "#!/bin/sh\nsed -i -e 's/colour: blue/colour: green/' -e 's/- member2/- member7/' \"$1\"\n");
    Files.setPosixFilePermissions(editor, PosixFilePermissions.fromString("rwx------"));
    Map<String, String> env = Map.of("KUBE_EDITOR", editor.toString());

    assertEquals(
        "configmap/edited edited\n",
        kubectl.runWithEnv(env, "-n", ns, "edit", "cm", "edited").assertOk().stdout());
    assertEquals("green", present(configMapIn(ns, "edited"), "cm").at("/data/colour").asText());
    assertEquals(
        "propagationpolicy.policy.karmada.io/edited-policy edited\n",
        kubectl.runWithEnv(env, "-n", ns, "edit", "pp", "edited-policy").assertOk().stdout());
    assertEquals(
        "member7",
        present(policyIn("propagationpolicies", ns, "edited-policy"), "policy")
            .at("/spec/placement/clusterAffinity/clusterNames/1")
            .asText());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(BINARIES)
  void labelAndAnnotateAddOverwriteAndRemove(Binary binary) {
    KubectlRunner kubectl = pool.runner(binary);
    String ns = pool.namespace(binary);
    kubectl
        .runWithInput(
            configMap("tagged", "k", "v")
                + "---\napiVersion: multicluster.x-k8s.io/v1alpha1\nkind: ServiceExport\n"
                + "metadata:\n  name: tagged\n",
            "-n",
            ns,
            "apply",
            "-f",
            "-")
        .assertOk();
    // kubectl 1.27 prints "annotate" where later versions print "annotated".
    String annotated = binary.minor() <= 27 ? "annotate" : "annotated";
    assertEquals(
        "configmap/tagged labeled\n",
        kubectl.run("-n", ns, "label", "cm/tagged", "stage=dev").assertOk().stdout());
    Result refused = kubectl.run("-n", ns, "label", "cm/tagged", "stage=prod").assertFails();
    assertTrue(refused.stderr().contains("--overwrite is false"), refused.toString());
    kubectl.run("-n", ns, "label", "cm/tagged", "stage=prod", "--overwrite").assertOk();
    kubectl.run("-n", ns, "annotate", "cm/tagged", "owner=alice").assertOk();
    assertEquals(
        "configmap/tagged " + annotated + "\n",
        kubectl
            .run("-n", ns, "annotate", "cm/tagged", "owner=bob", "--overwrite")
            .assertOk()
            .stdout());
    ObjectNode cm = present(configMapIn(ns, "tagged"), "cm");
    assertEquals("prod", cm.at("/metadata/labels/stage").asText(), cm.toString());
    assertEquals("bob", cm.at("/metadata/annotations/owner").asText(), cm.toString());
    assertEquals(
        "configmap/tagged unlabeled\n",
        kubectl.run("-n", ns, "label", "cm/tagged", "stage-").assertOk().stdout());
    kubectl.run("-n", ns, "annotate", "cm/tagged", "owner-").assertOk();
    cm = present(configMapIn(ns, "tagged"), "cm");
    assertFalse(cm.at("/metadata/labels").has("stage"), cm.toString());
    assertFalse(cm.at("/metadata/annotations").has("owner"), cm.toString());

    // The same on an MCS kind, which takes merge patches: several keys per command.
    String export = "serviceexport/tagged";
    kubectl.run("-n", ns, "label", export, "stage=dev", "tier=edge").assertOk();
    kubectl.run("-n", ns, "label", export, "stage=prod", "--overwrite").assertOk();
    kubectl.run("-n", ns, "annotate", export, "owner=alice").assertOk();
    ObjectNode se = storedExport(ns, "tagged");
    assertEquals("prod", se.at("/metadata/labels/stage").asText(), se.toString());
    assertEquals("edge", se.at("/metadata/labels/tier").asText(), se.toString());
    assertEquals("alice", se.at("/metadata/annotations/owner").asText(), se.toString());
    assertEquals(
        "serviceexport.multicluster.x-k8s.io/tagged unlabeled\n",
        kubectl.run("-n", ns, "label", export, "stage-", "tier-").assertOk().stdout());
    kubectl.run("-n", ns, "annotate", export, "owner-").assertOk();
    se = storedExport(ns, "tagged");
    assertFalse(se.at("/metadata/labels").has("stage"), se.toString());
    assertFalse(se.at("/metadata/annotations").has("owner"), se.toString());
  }

  private static ObjectNode storedExport(String ns, String name) {
    return present(
        stored(hub, "multicluster.x-k8s.io", "v1alpha1", "serviceexports", ns, name),
        "serviceexport " + name);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(BINARIES)
  void getColumnsFormatsAndWatchWithScale(Binary binary) {
    KubectlRunner kubectl = pool.runner(binary);
    String ns = pool.namespace(binary);
    kubectl
        .runWithInput(
            named(DEPLOYMENT, "shown")
                + "---\n"
                + named(SERVICE, "shown")
                + "---\n"
                + named(POLICY, "shown"),
            "-n",
            ns,
            "apply",
            "-f",
            "-")
        .assertOk();

    Result get = kubectl.run("-n", ns, "get", "deploy", "shown").assertOk();
    assertEquals(List.of("NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"), header(get));
    assertTrue(lines(get).get(1).matches("shown\\s+0/2\\s+0\\s+0\\s+\\S+"), get.toString());
    Result wide = kubectl.run("-n", ns, "get", "deploy", "shown", "-o", "wide").assertOk();
    assertEquals(
        List.of(
            "NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"),
        header(wide));
    assertTrue(
        lines(wide).get(1).contains("web,sidecar   nginx:1.25,busybox:1.36   app=shown"),
        wide.toString());
    Result labels = kubectl.run("-n", ns, "get", "deploy", "shown", "--show-labels").assertOk();
    assertTrue(lines(labels).get(1).endsWith("app=shown,tier=front"), labels.toString());
    assertEquals(
        "2 nginx:1.25",
        kubectl
            .run(
                "-n",
                ns,
                "get",
                "deploy",
                "shown",
                "-o",
                "jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image}")
            .assertOk()
            .stdout());

    Result svc = kubectl.run("-n", ns, "get", "svc", "shown").assertOk();
    assertEquals(
        List.of("NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"), header(svc));
    assertTrue(
        lines(svc)
            .get(1)
            .matches("shown\\s+ClusterIP\\s+10\\.\\d+\\.\\d+\\.\\d+\\s+<none>\\s+80/TCP\\s+\\S+"),
        "a real cluster allocates a cluster IP and defaults the protocol: " + svc);
    Result pp = kubectl.run("-n", ns, "get", "pp", "shown").assertOk();
    assertEquals(List.of("NAME", "CONFLICT-RESOLUTION", "PRIORITY", "AGE"), header(pp));
    assertTrue(lines(pp).get(1).matches("shown\\s+Abort\\s+0\\s+\\S+"), pp.toString());

    // get -w sees the scale: a second row with the new desired count.
    try (Background watch =
        kubectl.background("-n", ns, "get", "deploy", "shown", "-w", "--output-watch-events")) {
      watch.awaitStdout(out -> out.contains("0/2"), WAIT, "the current deployment");
      assertEquals(
          "deployment.apps/shown scaled\n",
          kubectl.run("-n", ns, "scale", "deploy", "shown", "--replicas=5").assertOk().stdout());
      watch.awaitStdout(
          out -> Pattern.compile("(?m)^MODIFIED\\s+shown\\s+0/5\\s").matcher(out).find(),
          WAIT,
          "the scaled deployment");
    }
    assertEquals(5, deployment(ns, "shown").at("/spec/replicas").asInt());
    Result stale =
        kubectl
            .run("-n", ns, "scale", "deploy", "shown", "--current-replicas=2", "--replicas=3")
            .assertFails();
    assertTrue(stale.stderr().contains("Expected replicas to be 2, was 5"), stale.toString());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(BINARIES)
  void describeBuiltinAndFlotillaKinds(Binary binary) {
    KubectlRunner kubectl = pool.runner(binary);
    String ns = pool.namespace(binary);
    kubectl
        .runWithInput(
            named(DEPLOYMENT, "described")
                + "---\n"
                + named(SERVICE, "described")
                + "---\n"
                + named(POLICY, "described"),
            "-n",
            ns,
            "apply",
            "-f",
            "-")
        .assertOk();
    String deploy = kubectl.run("-n", ns, "describe", "deploy", "described").assertOk().stdout();
    assertField(deploy, "Namespace", ns);
    assertField(
        deploy, "Replicas", "2 desired | 0 updated | 0 total | 0 available | 0 unavailable");
    assertField(deploy, "StrategyType", "RollingUpdate");
    assertField(deploy, "RollingUpdateStrategy", "25% max unavailable, 25% max surge");
    assertField(deploy, "Image", "nginx:1.25");
    assertField(deploy, "MODE", "blue");
    String svc = kubectl.run("-n", ns, "describe", "svc", "described").assertOk().stdout();
    assertField(svc, "Type", "ClusterIP");
    assertField(svc, "IP Families", "IPv4");
    assertField(svc, "Port", "http  80/TCP");
    assertField(svc, "TargetPort", "8080/TCP");
    assertField(svc, "Session Affinity", "None");
    String pp = kubectl.run("-n", ns, "describe", "pp", "described").assertOk().stdout();
    assertField(pp, "Kind", "PropagationPolicy");
    assertField(pp, "Conflict Resolution", "Abort");
    assertTrue(pp.contains("Cluster Names:"), pp);
    assertTrue(pp.contains("Events:"), pp);
  }

  /** Asserts a line {@code key: value} of describe output, whatever the padding. */
  private static void assertField(String describe, String key, String value) {
    assertTrue(
        Pattern.compile("(?m)^\\s*" + Pattern.quote(key) + ":\\s+" + Pattern.quote(value) + "\\s*$")
            .matcher(describe)
            .find(),
        "expected \"" + key + ": " + value + "\" in:\n" + describe);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(BINARIES)
  void explainBuiltinAndFlotillaFields(Binary binary) {
    KubectlRunner kubectl = pool.runner(binary);
    String replicas = kubectl.run("explain", "deployment.spec.replicas").assertOk().stdout();
    assertTrue(replicas.contains("KIND:       Deployment"), replicas);
    assertTrue(replicas.contains("FIELD: replicas <integer>"), replicas);

    String placement =
        kubectl.run("explain", "propagationpolicy.spec.placement").assertOk().stdout();
    assertTrue(placement.contains("GROUP:      policy.karmada.io"), placement);
    assertTrue(placement.contains("FIELD: placement <Object>"), placement);
    assertTrue(
        placement.contains("Which member clusters receive the selected resources"), placement);
    assertTrue(placement.contains("clusterAffinity\t<Object>"), placement);
    assertTrue(placement.contains("replicaScheduling\t<Object>"), placement);
    assertFalse(placement.contains("<empty>"), "every field is described: " + placement);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(BINARIES)
  void waitForAConditionSetWhileWaiting(Binary binary) {
    KubectlRunner kubectl = pool.runner(binary);
    String ns = pool.namespace(binary);
    kubectl
        .runWithInput(
            "apiVersion: multicluster.x-k8s.io/v1alpha1\nkind: ServiceExport\nmetadata:\n"
                + "  name: awaited\n",
            "-n",
            ns,
            "apply",
            "-f",
            "-")
        .assertOk();
    try (Background wait =
        kubectl.background(
            "-n",
            ns,
            "wait",
            "--for=condition=Valid",
            "serviceexport/awaited",
            "--timeout=30s",
            "-v=6")) {
      // -v=6 logs each response: once the watch is open, the condition is not yet true.
      wait.awaitStderr(err -> err.contains("watch=true"), WAIT, "an open watch");
      client
          .genericKubernetesResources("multicluster.x-k8s.io/v1alpha1", "ServiceExport")
          .inNamespace(ns)
          .withName("awaited")
          .subresource("status")
          .patch(
              PatchContext.of(PatchType.JSON_MERGE),
              "{\"status\":{\"conditions\":[{\"type\":\"Valid\",\"status\":\"True\","
                  + "\"reason\":\"ServiceFound\",\"message\":\"the service exists\","
                  + "\"lastTransitionTime\":\"2026-01-01T00:00:00Z\"}]}}");
      Result done = wait.awaitExit(WAIT);
      assertEquals(0, done.exitCode(), done.toString());
      assertEquals("serviceexport.multicluster.x-k8s.io/awaited condition met\n", done.stdout());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(BINARIES)
  void waitForDeleteUntilTheFinalizerIsRemoved(Binary binary) {
    KubectlRunner kubectl = pool.runner(binary);
    String ns = pool.namespace(binary);
    String doomed =
        named(OVERRIDE, "doomed")
            .replace("  name: doomed\n", "  name: doomed\n  finalizers: [flotilla.dev/test]\n");
    kubectl.runWithInput(doomed, "-n", ns, "apply", "-f", "-").assertOk();
    kubectl.run("-n", ns, "delete", "op", "doomed", "--wait=false").assertOk();
    assertTrue(
        policyIn("overridepolicies", ns, "doomed")
            .orElseThrow()
            .at("/metadata")
            .has("deletionTimestamp"));
    try (Background wait =
        kubectl.background(
            "-n", ns, "wait", "--for=delete", "op/doomed", "--timeout=30s", "-v=6")) {
      wait.awaitStderr(err -> err.contains("watch=true"), WAIT, "an open watch");
      kubectl
          .run(
              "-n",
              ns,
              "patch",
              "op",
              "doomed",
              "--type=json",
              "-p",
              "[{\"op\":\"remove\",\"path\":\"/metadata/finalizers\"}]")
          .assertOk();
      Result done = wait.awaitExit(WAIT);
      assertEquals(0, done.exitCode(), done.toString());
      assertEquals("overridepolicy.policy.karmada.io/doomed condition met\n", done.stdout());
    }
    assertTrue(policyIn("overridepolicies", ns, "doomed").isEmpty());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(BINARIES)
  void serverDryRunStoresNothing(Binary binary) {
    KubectlRunner kubectl = pool.runner(binary);
    String ns = pool.namespace(binary);
    Result r =
        kubectl
            .runWithInput(
                configMap("dry", "k", "v") + "---\n" + named(POLICY, "dry"),
                "-n",
                ns,
                "create",
                "--dry-run=server",
                "-f",
                "-")
            .assertOk();
    assertEquals(
        List.of(
            "configmap/dry created (server dry run)",
            "propagationpolicy.policy.karmada.io/dry created (server dry run)"),
        lines(r));
    assertTrue(configMapIn(ns, "dry").isEmpty());
    assertTrue(policyIn("propagationpolicies", ns, "dry").isEmpty());
    Result srv =
        kubectl
            .runWithInput(
                named(SERVICE, "dry"),
                "-n",
                ns,
                "create",
                "--dry-run=server",
                "-f",
                "-",
                "-o",
                "json")
            .assertOk();
    assertTrue(srv.stdout().contains("\"clusterIP\": \"10."), "dry run shows defaults: " + srv);
    assertTrue(stored(hub, "", "v1", "services", ns, "dry").isEmpty());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(BINARIES)
  void foregroundDeleteTakesTheDependentAlong(Binary binary) throws Exception {
    KubectlRunner kubectl = pool.runner(binary);
    String ns = pool.namespace(binary);
    kubectl.runWithInput(named(DEPLOYMENT, "owner"), "-n", ns, "apply", "-f", "-").assertOk();
    String uid = deployment(ns, "owner").at("/metadata/uid").asText();
    kubectl
        .runWithInput(
            configMap("owned-config", "k", "v")
                .replace(
                    "  name: owned-config\n",
                    "  name: owned-config\n  ownerReferences:\n  - {apiVersion: apps/v1, kind: Deployment,"
                        + " name: owner, uid: "
                        + uid
                        + ", blockOwnerDeletion: true}\n"),
            "-n",
            ns,
            "apply",
            "-f",
            "-")
        .assertOk();
    assertEquals(
        "deployment.apps \"owner\" deleted\n",
        kubectl
            .run("-n", ns, "delete", "deploy", "owner", "--cascade=foreground")
            .assertOk()
            .stdout());
    assertTrue(stored(hub, "apps", "v1", "deployments", ns, "owner").isEmpty(), "owner gone");
    assertTrue(configMapIn(ns, "owned-config").isEmpty(), "dependent gone");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(BINARIES)
  void apiResourcesAndVersions(Binary binary) {
    KubectlRunner kubectl = pool.runner(binary);
    List<String> resources = lines(kubectl.run("api-resources", "-o", "name").assertOk());
    for (String r :
        List.of(
            "deployments.apps",
            "configmaps",
            "services",
            "propagationpolicies.policy.karmada.io",
            "overridepolicies.policy.karmada.io",
            "serviceexports.multicluster.x-k8s.io",
            "serviceimports.multicluster.x-k8s.io")) {
      assertTrue(resources.contains(r), r + " missing from " + resources);
    }
    List<String> versions = lines(kubectl.run("api-versions").assertOk());
    for (String gv :
        List.of("v1", "apps/v1", "policy.karmada.io/v1alpha1", "multicluster.x-k8s.io/v1alpha1")) {
      assertTrue(versions.contains(gv), gv + " missing from " + versions);
    }
  }
}
