package dev.flotilla.apiserver.it;

import static dev.flotilla.apiserver.it.KubectlBuiltinIT.stored;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.fixtures.KubectlRunner;
import dev.flotilla.fixtures.KubectlRunner.Binary;
import dev.flotilla.fixtures.KubectlRunner.Result;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Server-side field validation through every stock kubectl: {@code apply} of a Deployment with
 * unknown fields fails with kubectl's strict decoding error and stores nothing (every version sends
 * fieldValidation=Strict: 1.27 and 1.28 learn it is supported from /openapi/v2, later ones from
 * /openapi/v3), {@code --validate=warn} prints the warnings, and an invalid Karmada
 * PropagationPolicy is refused with 422 naming the field.
 */
class KubectlFieldValidationIT {
  private static final String BINARIES = "dev.flotilla.fixtures.KubectlRunner#binaries";
  private static final String DEPLOYMENT =
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: NAME
      spec:
        replicas: 1
        foo: bar
        selector:
          matchLabels:
            app: web
        template:
          metadata:
            labels:
              app: web
          spec:
            containers:
            - name: web
              image: nginx
              colour: red
      """;
  private static final String POLICY =
      """
      apiVersion: policy.karmada.io/v1alpha1
      kind: PropagationPolicy
      metadata:
        name: bad-policy
      spec:
        resourceSelectors:
          - apiVersion: apps/v1
            kind: Deployment
            name: web
        placement:
          clusterAffinity:
            clusterNames:
              - member1
          replicaScheduling:
            replicaSchedulingType: Foo
      """;
  @RegisterExtension static final KubectlHub rig = KubectlHub.withNamespacePrefix("kv");

  @ParameterizedTest(name = "{0}")
  @MethodSource(BINARIES)
  void applyOfUnknownFieldsIsRefusedStrictly(Binary binary) {
    KubectlRunner kubectl = rig.pool().runner(binary);
    String ns = rig.pool().namespace(binary);
    String yaml = DEPLOYMENT.replace("NAME", "strict");
    Result r = kubectl.writeWithInput(yaml, "-n", ns, "apply", "-f", "-");
    r.assertFails();
    assertTrue(
        r.stderr()
            .contains(
                "strict decoding error: unknown field \"spec.foo\", unknown"
                    + " field \"spec.template.spec.containers[0].colour\""),
        r.toString());
    assertTrue(r.stderr().contains("BadRequest"), r.toString());
    assertTrue(
        stored(rig.hub(), "apps", "v1", "deployments", ns, "strict").isEmpty(), "nothing stored");

    // An existing object: the apply patch fails the same way and changes nothing.
    kubectl
        .writeWithInput(
            yaml.replace("  foo: bar\n", "").replace("    colour: red\n", ""),
            "-n",
            ns,
            "apply",
            "-f",
            "-")
        .assertOk();
    ObjectNode before = stored(rig.hub(), "apps", "v1", "deployments", ns, "strict").orElseThrow();
    Result patch =
        kubectl
            .writeWithInput(
                yaml.replace("replicas: 1", "replicas: 3").replace("    colour: red\n", ""),
                "-n",
                ns,
                "apply",
                "-f",
                "-")
            .assertFails();
    assertTrue(
        patch.stderr().contains("strict decoding error: unknown field \"spec.foo\""),
        patch.toString());
    assertEquals(
        before, stored(rig.hub(), "apps", "v1", "deployments", ns, "strict").orElseThrow());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(BINARIES)
  void warnKeepsTheRequestAndPrintsTheWarnings(Binary binary) {
    KubectlRunner kubectl = rig.pool().runner(binary);
    String ns = rig.pool().namespace(binary);
    Result r =
        kubectl
            .runWithInput(
                DEPLOYMENT.replace("NAME", "warned"),
                "-n",
                ns,
                "apply",
                "--validate=warn",
                "-f",
                "-")
            .assertOk();
    assertTrue(r.stderr().contains("Warning: unknown field \"spec.foo\""), r.toString());
    assertTrue(
        r.stderr()
            .contains("Warning: unknown field" + " \"spec.template.spec.containers[0].colour\""),
        r.toString());
    ObjectNode obj = stored(rig.hub(), "apps", "v1", "deployments", ns, "warned").orElseThrow();
    assertFalse(obj.path("spec").has("foo"), obj.toString());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(BINARIES)
  void anInvalidPropagationPolicyIsUnprocessable(Binary binary) {
    KubectlRunner kubectl = rig.pool().runner(binary);
    String ns = rig.pool().namespace(binary);
    Result r = kubectl.writeWithInput(POLICY, "-n", ns, "apply", "-f", "-").assertFails();
    assertTrue(
        r.stderr()
            .contains(
                "The PropagationPolicy \"bad-policy\" is invalid:"
                    + " spec.placement.replicaScheduling.replicaSchedulingType: Unsupported value: \"Foo\":"
                    + " supported values: \"Duplicated\", \"Divided\""),
        r.toString());
    Result missing =
        kubectl
            .writeWithInput(
                POLICY
                    .replace("Foo", "Divided")
                    .replace("    - apiVersion: apps/v1\n", "    - apiVersion: null\n"),
                "-n",
                ns,
                "create",
                "-f",
                "-")
            .assertFails();
    assertTrue(
        missing.stderr().contains("spec.resourceSelectors[0].apiVersion: Required value"),
        missing.toString());
    assertTrue(
        stored(rig.hub(), "policy.karmada.io", "v1alpha1", "propagationpolicies", ns, "bad-policy")
            .isEmpty(),
        "nothing stored");

    kubectl
        .writeWithInput(POLICY.replace("Foo", "Divided"), "-n", ns, "apply", "-f", "-")
        .assertOk();
    ObjectNode pp =
        stored(rig.hub(), "policy.karmada.io", "v1alpha1", "propagationpolicies", ns, "bad-policy")
            .orElseThrow();
    assertEquals("Abort", pp.at("/spec/conflictResolution").asText(), "defaulted");
  }
}
