package dev.flotilla.apiserver.it;

import static dev.flotilla.apiserver.it.KubectlBuiltinIT.stored;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.fixtures.KubectlRunner;
import dev.flotilla.fixtures.KubectlRunner.Binary;
import dev.flotilla.fixtures.KubectlRunner.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The first half of the kubectl fidelity scenario of issue 3 (see {@link KubectlScenario}): apply
 * (create, change, remove a field), server-side apply with a conflict and {@code
 * --force-conflicts}, diff, patch with each type, edit through an EDITOR script, label and
 * annotate.
 */
class KubectlScenarioEditIT extends KubectlScenario {

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
}
