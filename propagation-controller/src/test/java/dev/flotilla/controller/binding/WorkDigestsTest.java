package dev.flotilla.controller.binding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.controller.runtime.Trees;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkDigestsTest {
  private static final String ID = BindingLabels.RB_ID + "=uid-1";

  /** A Work as the informer decodes it: numbers as the hub's JSON has them. */
  private static GenericKubernetesResource work(String cluster, String rv, String data) {
    ObjectNode w = desired(cluster, data);
    w.set("metadata", meta(cluster, rv));
    return Trees.generic(w);
  }

  private static ObjectNode meta(String cluster, String rv) {
    ObjectNode m = Trees.MAPPER.createObjectNode();
    m.put("name", "cm-configmap").put("namespace", "karmada-es-" + cluster);
    m.put("resourceVersion", rv).put("generation", 1);
    m.putObject("labels").put(BindingLabels.RB_ID, "uid-1").put("karmada.io/managed", "true");
    m.putObject("annotations")
        .put(BindingLabels.RB_NAME_ANNOTATION, "cm-configmap")
        .put(BindingLabels.BINDING_NAMESPACE_ANNOTATION, "default");
    return m;
  }

  /** What the binding controller would write: the replicas as a long, as built in memory. */
  private static ObjectNode desired(String cluster, String data) {
    ObjectNode w = Trees.MAPPER.createObjectNode();
    w.put("apiVersion", "work.karmada.io/v1alpha1").put("kind", "Work");
    ObjectNode m = w.putObject("metadata");
    m.put("name", "cm-configmap").put("namespace", "karmada-es-" + cluster);
    m.putObject("labels").put(BindingLabels.RB_ID, "uid-1").put("karmada.io/managed", "true");
    m.putObject("annotations").put(BindingLabels.RB_NAME_ANNOTATION, "cm-configmap");
    ObjectNode manifest =
        w.putObject("spec").putObject("workload").putArray("manifests").addObject();
    manifest.put("apiVersion", "v1").put("kind", "ConfigMap").put("replicas", 2L);
    manifest.putObject("data").put("k", data);
    return w;
  }

  private static void withStatus(GenericKubernetesResource w, String applied) {
    w.setAdditionalProperty(
        "status",
        Map.of(
            "conditions", List.of(Map.of("type", "Applied", "status", applied)),
            "manifestStatuses", List.of(Map.of("health", "Healthy"))));
  }

  @Test
  void indexesByBindingAndForgetsRemovedWorks() {
    WorkDigests store = new WorkDigests();
    store.put("karmada-es-m1/cm-configmap", work("m1", "5", "v"));
    store.put("karmada-es-m2/cm-configmap", work("m2", "6", "v"));
    assertEquals(2, store.ofBinding(ID).size());
    assertEquals(2, store.size());

    store.remove("karmada-es-m1/cm-configmap");
    assertEquals(
        List.of("karmada-es-m2"), store.ofBinding(ID).stream().map(WorkDigest::namespace).toList());
    store.remove("karmada-es-m2/cm-configmap");
    assertTrue(store.ofBinding(ID).isEmpty());
    assertNull(store.get("karmada-es-m2/cm-configmap"));
  }

  @Test
  void anUnchangedWorkDoesNotDifferAndAChangedOneDoes() {
    WorkDigests store = new WorkDigests();
    store.put("karmada-es-m1/cm-configmap", work("m1", "5", "v"));
    WorkDigest d = store.digest("karmada-es-m1/cm-configmap");

    assertFalse(d.differsFrom(desired("m1", "v")), "same content, numbers by value");
    assertTrue(d.differsFrom(desired("m1", "v2")), "the spec changed");
    ObjectNode relabelled = desired("m1", "v");
    ((ObjectNode) relabelled.path("metadata").path("labels")).put("karmada.io/managed", "false");
    assertTrue(d.differsFrom(relabelled), "a label the controller writes changed");
    ObjectNode annotated = desired("m1", "v");
    ((ObjectNode) annotated.path("metadata").path("annotations")).put("new", "x");
    assertTrue(d.differsFrom(annotated), "an annotation the controller writes is missing");

    GenericKubernetesResource extra = work("m1", "7", "v");
    extra.getMetadata().getLabels().put("someone.else/added", "yes");
    store.put("karmada-es-m1/cm-configmap", extra);
    assertFalse(
        store.digest("karmada-es-m1/cm-configmap").differsFrom(desired("m1", "v")),
        "labels written by others are left alone");
  }

  @Test
  void theInformerSeesStubsThatCarryTheBindingAndTheDigestOfTheirVersion() {
    WorkDigests store = new WorkDigests();
    GenericKubernetesResource first = work("m1", "5", "v");
    assertNull(store.put("karmada-es-m1/cm-configmap", first));
    GenericKubernetesResource reported = work("m1", "6", "v");
    withStatus(reported, "True");

    GenericKubernetesResource old = store.put("karmada-es-m1/cm-configmap", reported);
    WorkDigest.Stub stub = assertInstanceOf(WorkDigest.Stub.class, old);
    assertEquals("5", stub.getMetadata().getResourceVersion());
    assertEquals("5", stub.digest().resourceVersion());
    assertEquals(
        java.util.Optional.of("rb|default/cm-configmap"), BindingKey.ofWork(stub), "its binding");
    WorkDigest now = WorkDigest.of(reported);
    assertFalse(stub.digest().beyondStatus(now), "only the status changed");
    assertTrue(stub.digest().statusOrBeyond(now), "and what aggregation reads did");
    assertTrue(store.digest("karmada-es-m1/cm-configmap").summary().applied());

    GenericKubernetesResource relabelled = work("m1", "7", "v");
    withStatus(relabelled, "True");
    relabelled.getMetadata().getLabels().put("x", "y");
    WorkDigest.Stub previous =
        (WorkDigest.Stub) store.put("karmada-es-m1/cm-configmap", relabelled);
    assertTrue(previous.digest().beyondStatus(WorkDigest.of(relabelled)));
  }

  @Test
  void worksOfOneBindingShareItsStringsAndPlainSummaries() {
    WorkDigests store = new WorkDigests();
    GenericKubernetesResource a = work("m1", "5", "v");
    GenericKubernetesResource b = work("m1", "6", "v");
    b.getMetadata().setName("other-configmap");
    withStatus(a, "True");
    withStatus(b, "True");
    store.put("karmada-es-m1/cm-configmap", a);
    store.put("karmada-es-m1/other-configmap", b);
    WorkDigest da = store.digest("karmada-es-m1/cm-configmap");
    WorkDigest db = store.digest("karmada-es-m1/other-configmap");
    assertSame(da.bindingIds(), db.bindingIds());
    assertSame(da.bindingKey(), db.bindingKey());
    assertSame(da.summary(), db.summary());
  }
}
