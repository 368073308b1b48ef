package dev.flotilla.apiserver.apply;

import static dev.flotilla.apiserver.apply.FieldManagerTest.j;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.patch.Schemas;
import dev.flotilla.apiserver.registry.BuiltinCatalogue;
import dev.flotilla.apiserver.registry.ResourceType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * managedFields after updates through the status subresource, which compare only the status (the
 * rest is the stored object's): the expected entries below are what the whole-object comparison
 * recorded before that shortcut (session 10's code gave exactly these), times left out.
 */
class FieldManagerStatusTest {
  private static final Schemas SCHEMAS = new Schemas(BuiltinCatalogue.get(), null);
  private static final ResourceType DEPLOYMENTS =
      BuiltinCatalogue.get().find("apps", "v1", "deployments").orElseThrow();
  private static final FieldManager OBJECT =
      new FieldManager(DEPLOYMENTS, SCHEMAS.builtin("apps", "v1", "Deployment"), null);
  private static final FieldManager STATUS =
      new FieldManager(DEPLOYMENTS, SCHEMAS.builtin("apps", "v1", "Deployment"), "status");

  /** The stored object with {@code status} in place of its own, as the status split builds it. */
  private static ObjectNode withStatus(ObjectNode live, String status) {
    ObjectNode desired = live.deepCopy();
    if (status == null) {
      desired.remove("status");
    } else {
      desired.set("status", j(status));
    }
    return desired;
  }

  private static List<String> entries(ObjectNode obj) {
    List<String> out = new ArrayList<>();
    for (JsonNode e : obj.path("metadata").path("managedFields")) {
      ObjectNode copy = e.deepCopy();
      copy.remove("time");
      out.add(copy.toString());
    }
    out.sort(null); // by manager: entries written within one second sort by name, else by time
    return out;
  }

  @Test
  void statusWritesOwnTheStatusFieldsTheyChangedAndTakeThemFromOthers() {
    ObjectNode created = OBJECT.update(null, FieldManagerTest.deployment(2, null), "ctrl");

    ObjectNode first =
        STATUS.update(
            created,
            withStatus(
                created,
                "{'replicas':2,'readyReplicas':1,'conditions':[{'type':'Available',"
                    + "'status':'False','reason':'MinimumReplicasUnavailable'}]}"),
            "kubelet");
    ObjectNode second =
        STATUS.update(
            first,
            withStatus(
                first,
                "{'replicas':2,'readyReplicas':2,'conditions':[{'type':'Available',"
                    + "'status':'True','reason':'MinimumReplicasAvailable'},{'type':'Progressing',"
                    + "'status':'True'}]}"),
            "agent");
    ObjectNode cleared = STATUS.update(second, withStatus(second, "{'replicas':2}"), "other");

    String ctrl = entries(created).get(0); // the object's own writer: not a status write
    String kubeletFirst =
        "{\"manager\":\"kubelet\",\"operation\":\"Update\",\"apiVersion\":\"apps/v1\","
            + "\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:status\":{\".\":{},"
            + "\"f:conditions\":{\".\":{},\"k:{\\\"type\\\":\\\"Available\\\"}\":{\".\":{},"
            + "\"f:reason\":{},\"f:status\":{},\"f:type\":{}}},\"f:readyReplicas\":{},"
            + "\"f:replicas\":{}}},\"subresource\":\"status\"}";
    assertEquals(List.of(ctrl, kubeletFirst), entries(first), String.join("\n", entries(first)));

    String agent =
        "{\"manager\":\"agent\",\"operation\":\"Update\",\"apiVersion\":\"apps/v1\","
            + "\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:status\":{\"f:conditions\":{"
            + "\"k:{\\\"type\\\":\\\"Available\\\"}\":{\"f:reason\":{},\"f:status\":{}},"
            + "\"k:{\\\"type\\\":\\\"Progressing\\\"}\":{\".\":{},\"f:status\":{},"
            + "\"f:type\":{}}},\"f:readyReplicas\":{}}},\"subresource\":\"status\"}";
    String kubeletLeft =
        "{\"manager\":\"kubelet\",\"operation\":\"Update\",\"apiVersion\":\"apps/v1\","
            + "\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:status\":{\".\":{},"
            + "\"f:conditions\":{\".\":{},\"k:{\\\"type\\\":\\\"Available\\\"}\":{\".\":{},"
            + "\"f:type\":{}}},\"f:replicas\":{}}},\"subresource\":\"status\"}";
    assertEquals(
        List.of(agent, ctrl, kubeletLeft), entries(second), String.join("\n", entries(second)));

    // "other" removed fields only: it owns nothing, and the removed fields leave their owners.
    assertEquals(
        List.of(
            ctrl,
            "{\"manager\":\"kubelet\",\"operation\":\"Update\",\"apiVersion\":\"apps/v1\","
                + "\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:status\":{\".\":{},"
                + "\"f:replicas\":{}}},\"subresource\":\"status\"}"),
        entries(cleared),
        String.join("\n", entries(cleared)));
  }
}
