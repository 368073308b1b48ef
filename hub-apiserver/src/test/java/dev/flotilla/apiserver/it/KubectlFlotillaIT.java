package dev.flotilla.apiserver.it;

import static dev.flotilla.apiserver.it.KubectlBuiltinIT.stored;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.flotilla.fixtures.KubectlRunner;
import dev.flotilla.fixtures.KubectlRunner.Binary;
import dev.flotilla.fixtures.KubectlRunner.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CRD-backed Flotilla kinds (Karmada policies and clusters, MCS ServiceExport) through every
 * stock kubectl, starting from the exact YAML of the Karmada multi-cluster service discovery guide
 * (step 2). CRD kinds get merge patches from kubectl apply, label and annotate.
 */
class KubectlFlotillaIT {
  private static final String BINARIES = "dev.flotilla.fixtures.KubectlRunner#binaries";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new YAMLMapper();

  /** Verbatim from /work/shared/seeds/karmada-multi-cluster-service-discovery.md, step 2. */
  static final String SEED_EXPORT =
      """
      apiVersion: multicluster.x-k8s.io/v1alpha1
      kind: ServiceExport
      metadata:
        name: serve
      ---
      apiVersion: policy.karmada.io/v1alpha1
      kind: PropagationPolicy
      metadata:
        name: serve-export-policy
      spec:
        resourceSelectors:
          - apiVersion: multicluster.x-k8s.io/v1alpha1
            kind: ServiceExport
            name: serve
        placement:
          clusterAffinity:
            clusterNames:
              - member1
      """;

  private static final String OVERRIDE =
      """
      apiVersion: policy.karmada.io/v1alpha1
      kind: OverridePolicy
      metadata:
        name: serve-override
      spec:
        resourceSelectors:
          - apiVersion: apps/v1
            kind: Deployment
            name: serve
        overrideRules:
          - targetCluster:
              clusterNames:
                - member1
            overriders:
              labelsOverrider:
                - operator: add
                  value:
                    flavour: vanilla
      """;
  private static final String CLUSTER =
      """
      apiVersion: cluster.karmada.io/v1alpha1
      kind: Cluster
      metadata:
        name: NAME
      spec:
        syncMode: Push
        apiEndpoint: https://10.0.0.1:6443
        region: north
      """;
  @RegisterExtension static final KubectlHub rig = KubectlHub.withNamespacePrefix("kf");

  private static ObjectNode policy(String plural, String ns, String name) {
    return stored(rig.hub(), "policy.karmada.io", "v1alpha1", plural, ns, name)
        .orElseThrow(() -> new AssertionError(plural + " " + ns + "/" + name + " not stored"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(BINARIES)
  void createSeedExportAndGetIt(Binary binary) throws Exception {
    KubectlRunner kubectl = rig.pool().runner(binary);
    String ns = rig.pool().namespace(binary);
    Result created = kubectl.writeWithInput(SEED_EXPORT, "-n", ns, "create", "-f", "-").assertOk();
    assertEquals(
        List.of(
            "serviceexport.multicluster.x-k8s.io/serve created",
            "propagationpolicy.policy.karmada.io/serve-export-policy created"),
        created.stdout().lines().toList());
    ObjectNode pp = policy("propagationpolicies", ns, "serve-export-policy");
    assertEquals("ServiceExport", pp.at("/spec/resourceSelectors/0/kind").asText());
    assertEquals("member1", pp.at("/spec/placement/clusterAffinity/clusterNames/0").asText());
    assertTrue(
        stored(rig.hub(), "multicluster.x-k8s.io", "v1alpha1", "serviceexports", ns, "serve")
            .isPresent());

    JsonNode yaml =
        YAML.readTree(
            kubectl
                .run("-n", ns, "get", "pp", "serve-export-policy", "-o", "yaml")
                .assertOk()
                .stdout());
    assertEquals("PropagationPolicy", yaml.path("kind").asText());
    assertEquals("policy.karmada.io/v1alpha1", yaml.path("apiVersion").asText());
    assertEquals(
        "multicluster.x-k8s.io/v1alpha1", yaml.at("/spec/resourceSelectors/0/apiVersion").asText());
    assertEquals(pp.at("/metadata/uid"), yaml.at("/metadata/uid"));

    JsonNode json =
        JSON.readTree(
            kubectl
                .run(
                    "-n",
                    ns,
                    "get",
                    "serviceexports.v1alpha1.multicluster.x-k8s.io",
                    "serve",
                    "-o",
                    "json")
                .assertOk()
                .stdout());
    assertEquals("ServiceExport", json.path("kind").asText());
    assertEquals("multicluster.x-k8s.io/v1alpha1", json.path("apiVersion").asText());
    assertEquals(ns, json.at("/metadata/namespace").asText());

    Result names = kubectl.run("-n", ns, "get", "pp,svcex", "-o", "name").assertOk();
    assertTrue(
        names
            .stdout()
            .lines()
            .toList()
            .containsAll(
                List.of(
                    "propagationpolicy.policy.karmada.io/serve-export-policy",
                    "serviceexport.multicluster.x-k8s.io/serve")),
        names.toString());
    Result again = kubectl.writeWithInput(SEED_EXPORT, "-n", ns, "create", "-f", "-").assertFails();
    assertTrue(again.stderr().contains("AlreadyExists"), again.toString());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(BINARIES)
  void labelAnnotateAndReplacePolicy(Binary binary) throws Exception {
    KubectlRunner kubectl = rig.pool().runner(binary);
    String ns = rig.pool().namespace(binary);
    String yaml =
        SEED_EXPORT
            .substring(SEED_EXPORT.indexOf("---") + 4)
            .replace("serve-export-policy", "edited-policy");
    kubectl.writeWithInput(yaml, "-n", ns, "create", "-f", "-").assertOk();
    kubectl.run("-n", ns, "label", "pp", "edited-policy", "team=a").assertOk();
    kubectl.run("-n", ns, "label", "pp", "edited-policy", "team=b", "--overwrite").assertOk();
    kubectl.run("-n", ns, "annotate", "pp", "edited-policy", "note=checked").assertOk();
    ObjectNode labelled = policy("propagationpolicies", ns, "edited-policy");
    assertEquals("b", labelled.at("/metadata/labels/team").asText());
    assertEquals("checked", labelled.at("/metadata/annotations/note").asText());
    kubectl.run("-n", ns, "label", "pp", "edited-policy", "team-").assertOk();
    assertTrue(
        policy("propagationpolicies", ns, "edited-policy")
            .at("/metadata/labels/team")
            .isMissingNode());

    String current =
        kubectl.run("-n", ns, "get", "pp", "edited-policy", "-o", "yaml").assertOk().stdout();
    Path file = Files.createTempFile("pp", ".yaml");
    try {
      Files.writeString(file, current.replace("- member1", "- member2"));
      kubectl.write("-n", ns, "replace", "-f", file.toString()).assertOk();
      ObjectNode replaced = policy("propagationpolicies", ns, "edited-policy");
      assertEquals(
          "member2", replaced.at("/spec/placement/clusterAffinity/clusterNames/0").asText());
      assertEquals("checked", replaced.at("/metadata/annotations/note").asText());
      Files.writeString(file, current.replace("- member1", "- member3"));
      Result stale = kubectl.write("-n", ns, "replace", "-f", file.toString()).assertFails();
      assertTrue(stale.stderr().toLowerCase().contains("conflict"), stale.toString());
      assertEquals(replaced, policy("propagationpolicies", ns, "edited-policy"));
    } finally {
      Files.deleteIfExists(file);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(BINARIES)
  void applyPropagationAndOverridePolicies(Binary binary) {
    KubectlRunner kubectl = rig.pool().runner(binary);
    String ns = rig.pool().namespace(binary);
    String pp =
        SEED_EXPORT
            .substring(SEED_EXPORT.indexOf("---") + 4)
            .replace("serve-export-policy", "applied-policy");
    assertEquals(
        "propagationpolicy.policy.karmada.io/applied-policy created\n",
        kubectl.writeWithInput(pp, "-n", ns, "apply", "-f", "-").assertOk().stdout());
    assertEquals(
        "propagationpolicy.policy.karmada.io/applied-policy configured\n",
        kubectl
            .writeWithInput(pp.replace("- member1", "- member2"), "-n", ns, "apply", "-f", "-")
            .assertOk()
            .stdout());
    ObjectNode storedPp = policy("propagationpolicies", ns, "applied-policy");
    assertEquals("member2", storedPp.at("/spec/placement/clusterAffinity/clusterNames/0").asText());
    assertEquals(1, storedPp.at("/spec/placement/clusterAffinity/clusterNames").size());
    assertEquals("serve", storedPp.at("/spec/resourceSelectors/0/name").asText());

    assertEquals(
        "overridepolicy.policy.karmada.io/serve-override created\n",
        kubectl.writeWithInput(OVERRIDE, "-n", ns, "apply", "-f", "-").assertOk().stdout());
    kubectl
        .writeWithInput(OVERRIDE.replace("vanilla", "chocolate"), "-n", ns, "apply", "-f", "-")
        .assertOk();
    ObjectNode op = policy("overridepolicies", ns, "serve-override");
    assertEquals(
        "chocolate",
        op.at("/spec/overrideRules/0/overriders/labelsOverrider/0/value/flavour").asText());
    assertEquals(
        "chocolate",
        kubectl
            .run(
                "-n",
                ns,
                "get",
                "op",
                "serve-override",
                "-o",
                "jsonpath={.spec.overrideRules[0].overriders.labelsOverrider[0].value.flavour}")
            .assertOk()
            .stdout());

    Result deleted = kubectl.runWithInput(OVERRIDE, "-n", ns, "delete", "-f", "-").assertOk();
    assertTrue(
        deleted
            .stdout()
            .contains("overridepolicy.policy.karmada.io \"serve-override\"" + " deleted"),
        deleted.toString());
    assertTrue(
        stored(rig.hub(), "policy.karmada.io", "v1alpha1", "overridepolicies", ns, "serve-override")
            .isEmpty());
    kubectl.run("-n", ns, "delete", "pp", "applied-policy").assertOk();
    assertTrue(
        stored(
                rig.hub(),
                "policy.karmada.io",
                "v1alpha1",
                "propagationpolicies",
                ns,
                "applied-policy")
            .isEmpty());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(BINARIES)
  void applyClusterScopedCluster(Binary binary) {
    KubectlRunner kubectl = rig.pool().runner(binary);
    String name = "member-1-" + binary.minor();
    String yaml = CLUSTER.replace("NAME", name);
    assertEquals(
        "cluster.cluster.karmada.io/" + name + " created\n",
        kubectl.writeWithInput(yaml, "apply", "-f", "-").assertOk().stdout());
    assertEquals(
        "cluster.cluster.karmada.io/" + name + " configured\n",
        kubectl
            .writeWithInput(yaml.replace("10.0.0.1", "10.0.0.2"), "apply", "-f", "-")
            .assertOk()
            .stdout());
    ObjectNode cluster =
        stored(rig.hub(), "cluster.karmada.io", "v1alpha1", "clusters", null, name).orElseThrow();
    assertEquals("https://10.0.0.2:6443", cluster.at("/spec/apiEndpoint").asText());
    assertEquals("north", cluster.at("/spec/region").asText());
    assertTrue(cluster.at("/metadata/namespace").isMissingNode(), cluster.toString());
    Result listed = kubectl.run("get", "clusters", "-o", "name").assertOk();
    assertTrue(
        listed.stdout().lines().anyMatch(("cluster.cluster.karmada.io/" + name)::equals),
        listed.toString());

    kubectl.run("label", "cluster", name, "region=north").assertOk();
    assertEquals(
        "north",
        stored(rig.hub(), "cluster.karmada.io", "v1alpha1", "clusters", null, name)
            .orElseThrow()
            .at("/metadata/labels/region")
            .asText());
    Result deleted = kubectl.runWithInput(yaml, "delete", "-f", "-").assertOk();
    assertEquals("cluster.cluster.karmada.io \"" + name + "\" deleted\n", deleted.stdout());
    assertTrue(
        stored(rig.hub(), "cluster.karmada.io", "v1alpha1", "clusters", null, name).isEmpty());
  }
}
