package dev.flotilla.apiserver.it;

import static dev.flotilla.apiserver.it.KubectlBuiltinIT.stored;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flotilla.fixtures.KubectlRunner;
import dev.flotilla.fixtures.KubectlRunner.Binary;
import dev.flotilla.fixtures.KubectlRunner.Result;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code kubectl scale} through every stock kubectl, which finds {@code <plural>/scale} in
 * discovery and merge-patches an autoscaling/v1 Scale: Deployments and StatefulSets, the {@code
 * --current-replicas} precondition (GET then PUT of the Scale), and a custom resource whose CRD
 * declares {@code subresources.scale}.
 */
class KubectlScaleIT {
  private static final String BINARIES = "dev.flotilla.fixtures.KubectlRunner#binaries";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String WORKLOADS =
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
      spec:
        replicas: 1
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
      ---
      apiVersion: apps/v1
      kind: StatefulSet
      metadata:
        name: db
      spec:
        serviceName: db
        selector:
          matchExpressions:
          - {key: app, operator: In, values: [db, store]}
        template:
          metadata:
            labels:
              app: db
          spec:
            containers:
            - name: db
              image: postgres
      ---
      apiVersion: example.com/v1
      kind: Pump
      metadata:
        name: p1
      spec:
        replicas: 2
      """;
  private static final String PUMP_CRD =
      """
      apiVersion: apiextensions.k8s.io/v1
      kind: CustomResourceDefinition
      metadata: {name: pumps.example.com}
      spec:
        group: example.com
        scope: Namespaced
        names: {kind: Pump, plural: pumps, singular: pump}
        versions:
        - name: v1
          served: true
          storage: true
          subresources:
            status: {}
            scale: {specReplicasPath: .spec.replicas, statusReplicasPath: .status.replicas}
          schema:
            openAPIV3Schema:
              type: object
              properties:
                spec: {type: object, properties: {replicas: {type: integer, maximum: 10}}}
                status: {type: object, properties: {replicas: {type: integer}}}
      """;
  @RegisterExtension static final KubectlHub rig = KubectlHub.withNamespacePrefix("ks");

  @BeforeAll
  static void start() {
    try (KubernetesClient client = rig.hub().client()) {
      client
          .apiextensions()
          .v1()
          .customResourceDefinitions()
          .resource(Serialization.unmarshal(PUMP_CRD, CustomResourceDefinition.class))
          .create();
      client
          .apiextensions()
          .v1()
          .customResourceDefinitions()
          .withName("pumps.example.com")
          .waitUntilCondition(c -> c != null && c.getStatus() != null, 60, TimeUnit.SECONDS);
    }
  }

  private static long replicas(String group, String plural, String ns, String name) {
    return stored(rig.hub(), group, "v1", plural, ns, name)
        .orElseThrow()
        .at("/spec/replicas")
        .asLong();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(BINARIES)
  void scaleWorkloadsAndCustomResources(Binary binary) throws Exception {
    KubectlRunner kubectl = rig.pool().runner(binary);
    String ns = rig.pool().namespace(binary);
    kubectl.writeWithInput(WORKLOADS, "-n", ns, "apply", "-f", "-").assertOk();

    Result scaled = kubectl.run("-n", ns, "scale", "deploy", "web", "--replicas=5").assertOk();
    assertEquals("deployment.apps/web scaled", scaled.stdout().strip());
    assertEquals(5, replicas("apps", "deployments", ns, "web"));
    assertEquals(
        2,
        stored(rig.hub(), "apps", "v1", "deployments", ns, "web")
            .orElseThrow()
            .at("/metadata/generation")
            .asLong());

    kubectl.run("-n", ns, "scale", "deploy/web", "--current-replicas=5", "--replicas=2").assertOk();
    assertEquals(2, replicas("apps", "deployments", ns, "web"));
    Result wrong =
        kubectl
            .run("-n", ns, "scale", "deploy/web", "--current-replicas=9", "--replicas=3")
            .assertFails();
    assertTrue(wrong.stderr().contains("Expected replicas to be 9, was 2"), wrong.toString());

    assertEquals(
        List.of("statefulset.apps/db scaled"),
        kubectl
            .run("-n", ns, "scale", "statefulset", "db", "--replicas=3")
            .assertOk()
            .stdout()
            .lines()
            .toList());
    assertEquals(3, replicas("apps", "statefulsets", ns, "db"));
    JsonNode scale =
        JSON.readTree(
            kubectl
                .run("get", "--raw", "/apis/apps/v1/namespaces/" + ns + "/statefulsets/db/scale")
                .assertOk()
                .stdout());
    assertEquals("app in (db,store)", scale.at("/status/selector").asText());
    assertEquals(3, scale.at("/spec/replicas").asInt());

    assertEquals(
        "pump.example.com/p1 scaled",
        kubectl.run("-n", ns, "scale", "pumps", "p1", "--replicas=4").assertOk().stdout().strip());
    assertEquals(4, replicas("example.com", "pumps", ns, "p1"));
    Result tooMany = kubectl.run("-n", ns, "scale", "pumps", "p1", "--replicas=11").assertFails();
    assertTrue(
        tooMany.stderr().contains("spec.replicas in body should be less than or equal to" + " 10"),
        tooMany.toString());
    assertEquals(4, replicas("example.com", "pumps", ns, "p1"));
  }
}
