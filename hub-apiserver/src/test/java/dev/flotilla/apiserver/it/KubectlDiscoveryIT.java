package dev.flotilla.apiserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.apiserver.openapi.OpenApiV2;
import dev.flotilla.fixtures.KubectlRunner;
import dev.flotilla.fixtures.KubectlRunner.Binary;
import dev.flotilla.fixtures.KubectlRunner.Result;
import dev.flotilla.fixtures.RawHttp;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Discovery as every stock kubectl sees it ({@code api-resources}, {@code api-versions}), and
 * object-sending commands with kubectl's default client validation.
 */
class KubectlDiscoveryIT {
  private static final String BINARIES = "dev.flotilla.fixtures.KubectlRunner#binaries";
  @RegisterExtension static final KubectlHub rig = KubectlHub.withNamespacePrefix("kd");

  /** One row of {@code kubectl api-resources}: the columns, SHORTNAMES possibly empty. */
  private record Row(
      String name, String shortNames, String apiVersion, boolean namespaced, String kind) {}

  private static Map<String, Row> apiResources(KubectlRunner kubectl) {
    Result r = kubectl.run("api-resources").assertOk();
    List<String> lines = r.stdout().lines().toList();
    String header = lines.get(0);
    assertTrue(header.startsWith("NAME"), "header: " + header);
    int shortCol = header.indexOf("SHORTNAMES");
    int versionCol = header.indexOf("APIVERSION");
    Map<String, Row> rows = new HashMap<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] tail = line.substring(versionCol).trim().split("\\s+");
      Row row =
          new Row(
              line.substring(0, shortCol).trim(),
              line.substring(shortCol, versionCol).trim(),
              tail[0],
              Boolean.parseBoolean(tail[1]),
              tail[2]);
      rows.put(row.name() + "." + row.apiVersion(), row);
    }
    return rows;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(BINARIES)
  void apiResourcesListsBuiltinAndFlotillaKinds(Binary binary) {
    Map<String, Row> rows = apiResources(rig.pool().runner(binary));
    Row deployments = rows.get("deployments.apps/v1");
    assertNotNull(deployments, "deployments missing: " + rows.keySet());
    assertEquals("deploy", deployments.shortNames());
    assertTrue(deployments.namespaced());
    assertEquals("Deployment", deployments.kind());
    Row pp = rows.get("propagationpolicies.policy.karmada.io/v1alpha1");
    assertNotNull(pp, "propagationpolicies missing: " + rows.keySet());
    assertEquals("pp", pp.shortNames());
    assertEquals("PropagationPolicy", pp.kind());
    assertTrue(pp.namespaced());
    Row op = rows.get("overridepolicies.policy.karmada.io/v1alpha1");
    assertNotNull(op, "overridepolicies missing");
    assertEquals("op", op.shortNames());
    Row clusters = rows.get("clusters.cluster.karmada.io/v1alpha1");
    assertNotNull(clusters, "clusters missing");
    assertTrue(!clusters.namespaced(), "clusters are cluster-scoped");
    // ServiceExport is served at v1alpha1 and v1beta1; api-resources shows the preferred one.
    Row export =
        rows.values().stream()
            .filter(x -> x.name().equals("serviceexports"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("serviceexports missing"));
    assertTrue(export.apiVersion().startsWith("multicluster.x-k8s.io/"), export.toString());
    assertEquals("ServiceExport", export.kind());
    assertTrue(Arrays.asList(export.shortNames().split(",")).contains("svcex"), export.toString());
    assertTrue(rows.containsKey("configmaps.v1"), "configmaps missing");
    assertTrue(rows.containsKey("customresourcedefinitions.apiextensions.k8s.io/v1"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(BINARIES)
  void apiResourcesFiltersByGroupAndPrintsNames(Binary binary) {
    Result r =
        rig.pool()
            .runner(binary)
            .run("api-resources", "--api-group=policy.karmada.io", "-o", "name")
            .assertOk();
    List<String> names = r.stdout().lines().toList();
    assertTrue(names.contains("propagationpolicies.policy.karmada.io"), r.toString());
    assertTrue(names.contains("clusterpropagationpolicies.policy.karmada.io"), r.toString());
    assertTrue(names.stream().allMatch(n -> n.endsWith(".policy.karmada.io")), r.toString());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(BINARIES)
  void apiVersionsListsEveryServedGroupVersion(Binary binary) {
    Result r = rig.pool().runner(binary).run("api-versions").assertOk();
    List<String> versions = r.stdout().lines().toList();
    for (String gv :
        List.of(
            "v1",
            "apps/v1",
            "apiextensions.k8s.io/v1",
            "policy.karmada.io/v1alpha1",
            "work.karmada.io/v1alpha1",
            "cluster.karmada.io/v1alpha1",
            "multicluster.x-k8s.io/v1alpha1")) {
      assertTrue(versions.contains(gv), gv + " missing from " + versions);
    }
  }

  private static final String CONFIGMAP =
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n" + "  name: validated\ndata:\n  k: v\n";

  /**
   * The default ({@code --validate=true}) create and apply, as a user types them: 1.27 and 1.28
   * find fieldValidation in the protobuf /openapi/v2, later versions in /openapi/v3.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource(BINARIES)
  void createAndApplyWithDefaultValidation(Binary binary) {
    KubectlRunner kubectl = rig.pool().runner(binary);
    String ns = rig.pool().namespace(binary);
    kubectl.runWithInput(CONFIGMAP, "-n", ns, "create", "-f", "-").assertOk();
    kubectl
        .runWithInput(CONFIGMAP.replace("k: v", "k: w"), "-n", ns, "apply", "-f", "-")
        .assertOk();
    assertEquals(
        "w",
        kubectl
            .run("-n", ns, "get", "cm", "validated", "-o", "jsonpath={.data.k}")
            .assertOk()
            .stdout());
  }

  /** Generator commands send protobuf bodies (kubectl 1.32 and later) for built-in kinds. */
  @ParameterizedTest(name = "{0}")
  @MethodSource(BINARIES)
  void generatorCommandsCreateBuiltinObjects(Binary binary) {
    KubectlRunner kubectl = rig.pool().runner(binary);
    String ns = rig.pool().namespace(binary);
    assertEquals(
        "configmap/generated created\n",
        kubectl
            .run("-n", ns, "create", "configmap", "generated", "--from-literal=k=v")
            .assertOk()
            .stdout());
    assertEquals(
        "v",
        kubectl
            .run("-n", ns, "get", "cm", "generated", "-o", "jsonpath={.data.k}")
            .assertOk()
            .stdout());
    assertEquals(
        "namespace/" + ns + "-generated created\n",
        kubectl.run("create", "namespace", ns + "-generated").assertOk().stdout());
  }

  /**
   * {@code /openapi/v2} answers JSON to a JSON client and gnostic protobuf to kubectl (whose
   * Content-Type client-go must be able to parse), and follows CRDs as they come.
   */
  @Test
  void openApiV2ServesBothEncodingsAndFollowsCrds() throws Exception {
    RawHttp http = rig.hub().http();
    JsonNode doc = http.getJson("/openapi/v2");
    assertEquals("2.0", doc.path("swagger").asText());
    String pp =
        "/apis/policy.karmada.io/v1alpha1/namespaces/{namespace}/propagationpolicies/{name}";
    assertEquals(
        "PropagationPolicy",
        doc.path("paths").path(pp).at("/patch/x-kubernetes-group-version-kind/kind").asText());

    HttpResponse<String> pb =
        http.send(
            HttpRequest.newBuilder(URI.create(rig.hub().url() + "/openapi/v2"))
                .header("Accept", OpenApiV2.PROTOBUF_TYPE)
                .header("Authorization", "Bearer " + rig.hub().adminToken())
                .build());
    assertEquals(200, pb.statusCode());
    assertEquals(
        OpenApiV2.PROTOBUF_CONTENT_TYPE, pb.headers().firstValue("Content-Type").orElse(""));
    assertFalse(pb.body().startsWith("{"), "protobuf, not JSON");

    String crd =
        """
        {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
         "metadata":{"name":"gadgets.example.com"},
         "spec":{"group":"example.com","scope":"Namespaced",
          "names":{"kind":"Gadget","plural":"gadgets","singular":"gadget","listKind":"GadgetList"},
          "versions":[{"name":"v1","served":true,"storage":true,
           "schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}}
        """;
    assertEquals(
        201,
        http.send(
                "POST",
                "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
                "application/json",
                crd)
            .statusCode());
    String gadgets = "/apis/example.com/v1/namespaces/{namespace}/gadgets/{name}";
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!http.getJson("/openapi/v2").path("paths").has(gadgets)) {
      assertTrue(System.nanoTime() < deadline, "the new CRD never appeared in /openapi/v2");
      Thread.sleep(100);
    }
  }
}
