package dev.flotilla.agent.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.agent.kube.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A status write carries the Work's identity, its resourceVersion and the status, nothing else. */
class HubWorksStatusBodyTest {
  private static ObjectNode work() throws Exception {
    return (ObjectNode)
        Json.MAPPER.readTree(
            """
            {"apiVersion": "work.karmada.io/v1alpha1", "kind": "Work",
             "metadata": {"name": "shop", "namespace": "karmada-es-member1", "uid": "u-1",
               "resourceVersion": "42", "generation": 3, "labels": {"a": "b"},
               "finalizers": ["karmada.io/execution-controller"],
               "managedFields": [{"manager": "binding-controller", "operation": "Update"}]},
             "spec": {"workload": {"manifests": [{"apiVersion": "v1", "kind": "ConfigMap"}]}},
             "status": {"conditions": [{"type": "Applied", "status": "False"}]}}
            """);
  }

  @Test
  void carriesIdentityVersionAndTheNewStatusOnly() throws Exception {
    ObjectNode status = Json.object();
    status.putArray("conditions").addObject().put("type", "Applied").put("status", "True");

    ObjectNode body = HubWorks.statusBody(work(), status);

    assertEquals(
        List.of("apiVersion", "kind", "metadata", "status"), List.copyOf(fieldNames(body)));
    assertEquals(
        List.of("name", "namespace", "uid", "resourceVersion"),
        List.copyOf(fieldNames(body.with("metadata"))));
    assertEquals("42", body.path("metadata").path("resourceVersion").asText());
    assertEquals("u-1", body.path("metadata").path("uid").asText());
    assertEquals(status, body.get("status"));
    assertFalse(body.has("spec"), "the hub keeps the stored spec: the manifests are not sent");
  }

  @Test
  void leavesTheWorkItWasGivenAsItWas() throws Exception {
    ObjectNode work = work();
    ObjectNode before = work.deepCopy();
    HubWorks.statusBody(work, Json.object());
    assertEquals(before, work);
  }

  private static List<String> fieldNames(ObjectNode node) {
    List<String> names = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
