package dev.flotilla.apiserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.flotilla.apiserver.registry.ResourceType;
import dev.flotilla.fixtures.KubectlRunner;
import dev.flotilla.fixtures.KubectlRunner.Binary;
import dev.flotilla.fixtures.KubectlRunner.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Built-in kinds (Deployment, ConfigMap) through every stock kubectl: create, get in each output
 * format, label, annotate, replace with optimistic concurrency, delete and client-side apply, each
 * step checked by kubectl's output and by what the hub stored.
 */
class KubectlBuiltinIT {
  private static final String BINARIES = "dev.flotilla.fixtures.KubectlRunner#binaries";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new YAMLMapper();

  /** The Deployment of the Karmada MCS seed (step 1), and a ConfigMap, in one file. */
  static final String DEPLOYMENT_AND_CONFIGMAP =
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: serve
      spec:
        replicas: 1
        selector:
          matchLabels:
            app: serve
        template:
          metadata:
            labels:
              app: serve
          spec:
            containers:
            - name: serve
              image: jeremyot/serve:0a40de8
              args:
              - "--message='hello from cluster member1 (Node: {{env \\"NODE_NAME\\"}} Pod: {{env \\"POD_NAME\\"}} Address: {{addr}})'"
              env:
                - name: NODE_NAME
                  valueFrom:
                    fieldRef:
                      fieldPath: spec.nodeName
      ---
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: settings
      data:
        mode: blue
      """;

  @RegisterExtension static final KubectlHub rig = KubectlHub.withNamespacePrefix("kb");

  static Optional<ObjectNode> stored(
      TestHub on, String group, String version, String plural, String ns, String name) {
    ResourceType type = on.server().storage().registry().find(group, version, plural).orElseThrow();
    return on.server().storage().find(type, ns, name);
  }

  private static ObjectNode storedConfigMap(String ns, String name) {
    return stored(rig.hub(), "", "v1", "configmaps", ns, name)
        .orElseThrow(() -> new AssertionError("configmap " + ns + "/" + name + " not stored"));
  }

  private static String configMap(String name, String labels, String key, String value) {
    return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "
        + name
        + "\n  labels: "
        + labels
        + "\ndata:\n  "
        + key
        + ": "
        + value
        + "\n";
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(BINARIES)
  void createAndGetInEveryFormat(Binary binary) throws Exception {
    KubectlRunner kubectl = rig.pool().runner(binary);
    String ns = rig.pool().namespace(binary);
    Result created =
        kubectl.writeWithInput(DEPLOYMENT_AND_CONFIGMAP, "-n", ns, "create", "-f", "-").assertOk();
    assertEquals(
        List.of("deployment.apps/serve created", "configmap/settings created"),
        created.stdout().lines().toList());
    ObjectNode deployment =
        stored(rig.hub(), "apps", "v1", "deployments", ns, "serve").orElseThrow();
    assertEquals(ns, deployment.at("/metadata/namespace").asText());
    assertEquals(
        "jeremyot/serve:0a40de8", deployment.at("/spec/template/spec/containers/0/image").asText());

    JsonNode yaml =
        YAML.readTree(
            kubectl.run("-n", ns, "get", "deploy", "serve", "-o", "yaml").assertOk().stdout());
    assertEquals("Deployment", yaml.path("kind").asText());
    assertEquals("apps/v1", yaml.path("apiVersion").asText());
    assertEquals(1, yaml.at("/spec/replicas").asInt());
    assertEquals(deployment.at("/metadata/uid"), yaml.at("/metadata/uid"));
    assertEquals(deployment.at("/metadata/resourceVersion"), yaml.at("/metadata/resourceVersion"));
    assertTrue(
        yaml.at("/spec/template/spec/containers/0/args/0")
            .asText()
            .contains("{{env \"NODE_NAME\"}}"),
        yaml.toString());

    JsonNode json =
        JSON.readTree(
            kubectl
                .run("-n", ns, "get", "configmap", "settings", "-o", "json")
                .assertOk()
                .stdout());
    assertEquals("ConfigMap", json.path("kind").asText());
    assertEquals("blue", json.at("/data/mode").asText());
    assertEquals(ns, json.at("/metadata/namespace").asText());

    JsonNode list =
        JSON.readTree(kubectl.run("-n", ns, "get", "cm", "-o", "json").assertOk().stdout());
    assertEquals("List", list.path("kind").asText());
    assertTrue(list.path("items").findValuesAsText("name").contains("settings"), list.toString());

    Result names = kubectl.run("-n", ns, "get", "deploy,cm", "-o", "name").assertOk();
    assertTrue(
        names
            .stdout()
            .lines()
            .toList()
            .containsAll(List.of("deployment.apps/serve", "configmap/settings")),
        names.toString());
    Result table = kubectl.run("-n", ns, "get", "deployments").assertOk();
    assertTrue(table.stdout().lines().anyMatch(l -> l.startsWith("serve ")), table.toString());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(BINARIES)
  void labelAndAnnotate(Binary binary) {
    KubectlRunner kubectl = rig.pool().runner(binary);
    String ns = rig.pool().namespace(binary);
    kubectl
        .writeWithInput(configMap("tagged", "{}", "k", "v"), "-n", ns, "create", "-f", "-")
        .assertOk();
    assertEquals(
        "configmap/tagged labeled\n",
        kubectl.run("-n", ns, "label", "cm", "tagged", "tier=web").assertOk().stdout());
    assertEquals("web", storedConfigMap(ns, "tagged").at("/metadata/labels/tier").asText());

    Result refused = kubectl.run("-n", ns, "label", "cm", "tagged", "tier=db").assertFails();
    assertTrue(refused.stderr().contains("--overwrite"), refused.toString());
    assertEquals("web", storedConfigMap(ns, "tagged").at("/metadata/labels/tier").asText());
    kubectl.run("-n", ns, "label", "cm", "tagged", "tier=db", "--overwrite").assertOk();
    assertEquals("db", storedConfigMap(ns, "tagged").at("/metadata/labels/tier").asText());
    assertEquals(
        "configmap/tagged unlabeled\n",
        kubectl.run("-n", ns, "label", "cm", "tagged", "tier-").assertOk().stdout());
    assertTrue(storedConfigMap(ns, "tagged").at("/metadata/labels/tier").isMissingNode());

    // kubectl 1.27 prints "annotate", later versions "annotated".
    assertTrue(
        kubectl
            .run("-n", ns, "annotate", "cm", "tagged", "owner=team a")
            .assertOk()
            .stdout()
            .startsWith("configmap/tagged annotate"));
    assertEquals(
        "team a", storedConfigMap(ns, "tagged").at("/metadata/annotations/owner").asText());
    kubectl.run("-n", ns, "annotate", "cm", "tagged", "owner=team b").assertFails();
    kubectl.run("-n", ns, "annotate", "cm", "tagged", "owner=team b", "--overwrite").assertOk();
    assertEquals(
        "team b", storedConfigMap(ns, "tagged").at("/metadata/annotations/owner").asText());
    kubectl.run("-n", ns, "annotate", "cm", "tagged", "owner-").assertOk();
    assertTrue(storedConfigMap(ns, "tagged").at("/metadata/annotations/owner").isMissingNode());
    Result shown = kubectl.run("-n", ns, "get", "cm", "tagged", "--show-labels").assertOk();
    assertTrue(shown.stdout().contains("LABELS"), shown.toString());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(BINARIES)
  void replaceChecksResourceVersion(Binary binary) throws Exception {
    KubectlRunner kubectl = rig.pool().runner(binary);
    String ns = rig.pool().namespace(binary);
    kubectl
        .writeWithInput(configMap("replaced", "{}", "k", "one"), "-n", ns, "create", "-f", "-")
        .assertOk();
    String current =
        kubectl.run("-n", ns, "get", "cm", "replaced", "-o", "yaml").assertOk().stdout();
    assertTrue(current.contains("resourceVersion:"), current);
    Path file = Files.createTempFile("replace", ".yaml");
    try {
      Files.writeString(file, current.replace("k: one", "k: two"));
      assertEquals(
          "configmap/replaced replaced\n",
          kubectl.write("-n", ns, "replace", "-f", file.toString()).assertOk().stdout());
      ObjectNode afterFirst = storedConfigMap(ns, "replaced");
      assertEquals("two", afterFirst.at("/data/k").asText());

      // The file still carries the resourceVersion read before the first replace.
      Files.writeString(file, current.replace("k: one", "k: three"));
      Result stale = kubectl.write("-n", ns, "replace", "-f", file.toString()).assertFails();
      assertTrue(stale.stderr().toLowerCase().contains("conflict"), stale.toString());
      assertEquals(afterFirst, storedConfigMap(ns, "replaced"), "stale replace changed the object");
    } finally {
      Files.deleteIfExists(file);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(BINARIES)
  void deleteByNameAndByFile(Binary binary) throws Exception {
    KubectlRunner kubectl = rig.pool().runner(binary);
    String ns = rig.pool().namespace(binary);
    String file =
        DEPLOYMENT_AND_CONFIGMAP
            .replace("name: serve\nspec", "name: doomed\nspec")
            .replace("name: settings", "name: doomed-settings");
    Path path = Files.createTempFile("delete", ".yaml");
    try {
      Files.writeString(path, file);
      kubectl.write("-n", ns, "create", "-f", path.toString()).assertOk();
      assertTrue(stored(rig.hub(), "apps", "v1", "deployments", ns, "doomed").isPresent());

      Result byName = kubectl.run("-n", ns, "delete", "configmap", "doomed-settings").assertOk();
      assertEquals("configmap \"doomed-settings\" deleted\n", byName.stdout());
      assertTrue(stored(rig.hub(), "", "v1", "configmaps", ns, "doomed-settings").isEmpty());
      Result gone = kubectl.run("-n", ns, "get", "cm", "doomed-settings").assertFails();
      assertTrue(gone.stderr().contains("NotFound"), gone.toString());

      Result byFile =
          kubectl.run("-n", ns, "delete", "-f", path.toString(), "--ignore-not-found").assertOk();
      assertTrue(byFile.stdout().contains("deployment.apps \"doomed\" deleted"), byFile.toString());
      assertTrue(stored(rig.hub(), "apps", "v1", "deployments", ns, "doomed").isEmpty());
    } finally {
      Files.deleteIfExists(path);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(BINARIES)
  void clientSideApplyCreatesThenPatches(Binary binary) {
    KubectlRunner kubectl = rig.pool().runner(binary);
    String ns = rig.pool().namespace(binary);
    String v1 = configMap("applied", "{tier: web}", "mode", "blue");
    assertEquals(
        "configmap/applied created\n",
        kubectl.writeWithInput(v1, "-n", ns, "apply", "-f", "-").assertOk().stdout());
    ObjectNode first = storedConfigMap(ns, "applied");
    assertTrue(
        first.at("/metadata/annotations").has("kubectl.kubernetes.io/last-applied-configuration"),
        first.toString());
    assertEquals(
        "configmap/applied unchanged\n",
        kubectl.writeWithInput(v1, "-n", ns, "apply", "-f", "-").assertOk().stdout());

    String v2 = configMap("applied", "{tier: db}", "mode", "green");
    assertEquals(
        "configmap/applied configured\n",
        kubectl.writeWithInput(v2, "-n", ns, "apply", "-f", "-").assertOk().stdout());
    ObjectNode second = storedConfigMap(ns, "applied");
    assertEquals("green", second.at("/data/mode").asText());
    assertEquals("db", second.at("/metadata/labels/tier").asText());
    assertEquals(first.at("/metadata/uid"), second.at("/metadata/uid"));
    assertTrue(
        second
            .at("/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration")
            .asText()
            .contains("green"),
        second.toString());

    // A scalar in a Deployment spec (strategic merge patch, served as merge patch for now).
    String deployment =
        DEPLOYMENT_AND_CONFIGMAP
            .substring(0, DEPLOYMENT_AND_CONFIGMAP.indexOf("---"))
            .replace("name: serve\nspec", "name: applied\nspec");
    kubectl.writeWithInput(deployment, "-n", ns, "apply", "-f", "-").assertOk();
    Result scaled =
        kubectl
            .writeWithInput(
                deployment.replace("replicas: 1", "replicas: 3"), "-n", ns, "apply", "-f", "-")
            .assertOk();
    assertEquals("deployment.apps/applied configured\n", scaled.stdout());
    ObjectNode stored = stored(rig.hub(), "apps", "v1", "deployments", ns, "applied").orElseThrow();
    assertEquals(3, stored.at("/spec/replicas").asInt());
    assertEquals(
        "jeremyot/serve:0a40de8",
        stored.at("/spec/template/spec/containers/0/image").asText(),
        "apply must keep fields it did not change");
    assertFalse(stored.at("/spec/template/spec/containers/0/env").isMissingNode());
  }
}
