package dev.flotilla.agent.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.agent.kube.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManifestsTest {

  static ObjectNode parse(String json) {
    try {
      return (ObjectNode) Json.MAPPER.readTree(json.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  static WorkView work(String annotations, String... manifests) {
    return WorkView.of(
        parse(
            "{'apiVersion':'work.karmada.io/v1alpha1','kind':'Work',"
                + "'metadata':{'name':'w','namespace':'karmada-es-m','uid':'u','generation':1,"
                + "'annotations':"
                + annotations
                + "},'spec':{'workload':{'manifests':["
                + String.join(",", manifests)
                + "]}}}"));
  }

  @Test
  void appliesCrdsThenNamespacesThenTheRestInWorkOrder() {
    List<ObjectNode> manifests =
        List.of(
            parse("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'a'}}"),
            parse("{'apiVersion':'example.com/v1','kind':'Widget','metadata':{'name':'b'}}"),
            parse("{'apiVersion':'v1','kind':'Namespace','metadata':{'name':'c'}}"),
            parse(
                "{'apiVersion':'apiextensions.k8s.io/v1','kind':'CustomResourceDefinition',"
                    + "'metadata':{'name':'d'}}"));
    assertEquals(
        List.of(3, 2, 0, 1),
        Manifests.inApplyOrder(manifests).stream().map(Manifests.Indexed::ordinal).toList());
  }

  @Test
  void desiredObjectIsMarkedAndStrippedOfServerFields() {
    String manifest =
        "{'apiVersion':'v1','kind':'Service','metadata':{'name':'s',"
            + "'namespace':'shop','uid':'hub-uid','resourceVersion':'7','ownerReferences':[{}],"
            + "'annotations':{'work.karmada.io/conflict-resolution':'overwrite','keep':'me'}},"
            + "'spec':{'clusterIP':'10.0.0.1','clusterIPs':['10.0.0.1'],'ports':[{'port':80}]},"
            + "'status':{'loadBalancer':{}}}";
    WorkView work = work("{'resourcetemplate.karmada.io/uid':'tmpl'}", manifest);
    ObjectNode desired = Manifests.desired(work.manifests().get(0), work, true);
    ObjectNode meta = (ObjectNode) desired.get("metadata");
    assertFalse(meta.has("uid"));
    assertFalse(meta.has("resourceVersion"));
    assertFalse(meta.has("ownerReferences"));
    assertFalse(desired.has("status"));
    assertFalse(desired.path("spec").has("clusterIP"), "hub-allocated IPs do not travel");
    assertEquals("true", Json.label(desired, "karmada.io/managed"));
    assertEquals("w", Json.annotation(desired, "work.karmada.io/name"));
    assertEquals("karmada-es-m", Json.annotation(desired, "work.karmada.io/namespace"));
    assertEquals("tmpl", Json.annotation(desired, "resourcetemplate.karmada.io/uid"));
    assertEquals("me", Json.annotation(desired, "keep"));
    assertEquals(null, Json.annotation(desired, "work.karmada.io/conflict-resolution"));
    assertTrue(work.overwrites(work.manifests().get(0)), "the manifest's annotation counts");
  }

  @Test
  void namespacesAreFilledForNamespacedKindsAndDroppedForClusterScopedOnes() {
    WorkView work =
        work(
            "{}",
            "{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'a'}}",
            "{'apiVersion':'v1','kind':'Namespace','metadata':{'name':'n','namespace':'x'}}");
    assertEquals("default", Json.namespace(Manifests.desired(work.manifests().get(0), work, true)));
    assertEquals(null, Json.namespace(Manifests.desired(work.manifests().get(1), work, false)));
  }

  @Test
  void conflictResolutionOnTheWorkAppliesToEveryManifest() {
    WorkView work =
        work(
            "{'work.karmada.io/conflict-resolution':'Overwrite'}",
            "{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'a'}}");
    assertTrue(work.overwrites(work.manifests().get(0)));
    assertFalse(
        work("{}", "{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'a'}}")
            .overwrites(work.manifests().get(0)));
  }
}
