package dev.flotilla.controller.mcs;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.controller.runtime.Trees;
import dev.flotilla.policies.names.McsNames;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class McsReportsTest {
  static final Map<String, String> LABELS =
      Map.of(McsNames.SERVICE_NAMESPACE, "shop", McsNames.SERVICE_NAME, "web");

  /** An export report as member1's agent writes it. */
  static ObjectNode exportSpec() {
    ObjectNode spec = Trees.MAPPER.createObjectNode();
    spec.put("suspendDispatching", true);
    ArrayNode manifests = spec.putObject("workload").putArray("manifests");
    manifests.add(manifest("multicluster.x-k8s.io/v1alpha1", "ServiceExport", "shop", "web"));
    manifests.add(manifest("v1", "Service", "shop", "web"));
    manifests.add(manifest("discovery.k8s.io/v1", "EndpointSlice", "shop", "web-x7k2p"));
    return spec;
  }

  static ObjectNode importSpec() {
    ObjectNode spec = Trees.MAPPER.createObjectNode();
    spec.put("suspendDispatching", true);
    spec.putObject("workload")
        .putArray("manifests")
        .add(manifest("multicluster.x-k8s.io/v1beta1", "ServiceImport", "shop", "web"));
    return spec;
  }

  static ObjectNode manifest(String apiVersion, String kind, String ns, String name) {
    ObjectNode m = Trees.MAPPER.createObjectNode();
    m.put("apiVersion", apiVersion);
    m.put("kind", kind);
    m.putObject("metadata").put("name", name).put("namespace", ns);
    return m;
  }

  static ObjectNode manifestAt(ObjectNode spec, int i) {
    return (ObjectNode) spec.path("workload").path("manifests").get(i);
  }

  @Test
  void reportsAsAgentsWriteThemAreAccepted() {
    assertNull(McsReports.problem("member1", "export", "svcexport-shop-web", LABELS, exportSpec()));
    assertNull(McsReports.problem("member3", "import", "svcimport-shop-web", LABELS, importSpec()));
    ObjectNode ownClaim = exportSpec();
    ((ObjectNode) manifestAt(ownClaim, 2).path("metadata"))
        .putObject("labels")
        .put(McsNames.MCS_SOURCE_CLUSTER, "member1");
    assertNull(McsReports.problem("member1", "export", "svcexport-shop-web", LABELS, ownClaim));
  }

  static Stream<Arguments> forgeries() {
    return Stream.<Object[]>of(
            new Object[] {
              "a slice claiming another cluster",
              "claims source cluster member2",
              (Consumer<ObjectNode>)
                  s ->
                      ((ObjectNode) manifestAt(s, 2).path("metadata"))
                          .putObject("labels")
                          .put(McsNames.MCS_SOURCE_CLUSTER, "member2")
            },
            new Object[] {
              "an annotation claiming another cluster",
              "claims source cluster member2",
              (Consumer<ObjectNode>)
                  s ->
                      ((ObjectNode) manifestAt(s, 1).path("metadata"))
                          .putObject("annotations")
                          .put(McsNames.MCS_SOURCE_CLUSTER, "member2")
            },
            new Object[] {
              "another kind",
              "v1 Secret does not belong in an MCS export report",
              (Consumer<ObjectNode>)
                  s ->
                      ((ArrayNode) s.path("workload").path("manifests"))
                          .add(manifest("v1", "Secret", "shop", "web"))
            },
            new Object[] {
              "a Service of another namespace",
              "is not in namespace shop",
              (Consumer<ObjectNode>)
                  s -> ((ObjectNode) manifestAt(s, 1).path("metadata")).put("namespace", "victim")
            },
            new Object[] {
              "a Service of another name",
              "the Service must be named web",
              (Consumer<ObjectNode>)
                  s -> ((ObjectNode) manifestAt(s, 1).path("metadata")).put("name", "payments")
            },
            new Object[] {
              "a slice of another Service",
              "is not one of Service web",
              (Consumer<ObjectNode>)
                  s ->
                      ((ObjectNode) manifestAt(s, 2).path("metadata"))
                          .putObject("labels")
                          .put(McsNames.KUBE_SERVICE_NAME, "payments")
            },
            new Object[] {
              "no ServiceExport",
              "exactly one ServiceExport and one Service",
              (Consumer<ObjectNode>)
                  s -> ((ArrayNode) s.path("workload").path("manifests")).remove(0)
            },
            new Object[] {
              "a Work the agent would apply",
              "suspended Work",
              (Consumer<ObjectNode>) s -> s.put("suspendDispatching", false)
            })
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("forgeries")
  void forgedExportReportsAreVoid(String what, String reason, Consumer<ObjectNode> forge) {
    ObjectNode spec = exportSpec();
    forge.accept(spec);
    String problem = McsReports.problem("member1", "export", "svcexport-shop-web", LABELS, spec);
    assertTrue(problem != null && problem.contains(reason), what + ": " + problem);
  }

  @Test
  void namesAndLabelsMustAgree() {
    assertTrue(
        McsReports.problem("member1", "export", "svcexport-shop-other", LABELS, exportSpec())
            .contains("must be named svcexport-shop-web"));
    assertTrue(
        McsReports.problem(
                "member1",
                "export",
                "svcexport-shop-web",
                Map.of(McsNames.SERVICE_NAME, "web"),
                exportSpec())
            .contains("must name a namespace and a Service"));
    ObjectNode twoImports = importSpec();
    ((ArrayNode) twoImports.path("workload").path("manifests"))
        .add(manifest("multicluster.x-k8s.io/v1beta1", "ServiceImport", "shop", "web"));
    assertTrue(
        McsReports.problem("member3", "import", "svcimport-shop-web", LABELS, twoImports)
            .contains("exactly one ServiceImport"));
    assertTrue(
        McsReports.problem("member3", "import", "svcimport-shop-web", LABELS, exportSpec())
            .contains("does not belong in an MCS import report"));
  }
}
