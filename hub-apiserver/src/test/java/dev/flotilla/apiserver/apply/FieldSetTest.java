package dev.flotilla.apiserver.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.patch.SchemaNode;
import dev.flotilla.apiserver.patch.Schemas;
import dev.flotilla.apiserver.registry.BuiltinCatalogue;
import dev.flotilla.apiserver.registry.ResourceType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * FieldsV1 encoding and the structured merge, checked against the shapes kube-apiserver writes
 * (fields before keys before values, "." for a path that is a member and has children) and the
 * ordering rule of structured-merge-diff's list merge.
 */
class FieldSetTest {
  private static final Schemas SCHEMAS = new Schemas(BuiltinCatalogue.get(), null);

  @Test
  void fieldsV1RoundTripsAndOrdersLikeUpstream() {
    ObjectNode v1 =
        FieldManagerTest.j(
            "{'f:metadata':{'f:finalizers':{'.':{},"
                + "'v:\"a\"':{}},'f:labels':{'.':{},'f:app':{}}},'f:spec':{'f:containers':{"
                + "'k:{\"name\":\"b\"}':{'.':{},'f:name':{}},'k:{\"name\":\"a\"}':{'.':{},'f:name':{}}}}}");
    FieldSet set = FieldSet.fromJson(v1);
    assertTrue(set.has(List.of("f:metadata", "f:labels")));
    assertTrue(set.has(List.of("f:metadata", "f:finalizers", "v:\"a\"")));
    assertFalse(set.has(List.of("f:spec")));
    String json = set.toJson().toString();
    assertTrue(
        json.indexOf("k:{\\\"name\\\":\\\"a\\\"}") < json.indexOf("k:{\\\"name\\\":\\\"b\\\"}"),
        json);
    assertEquals(set.toJson(), FieldSet.fromJson(set.toJson()).toJson());
    FieldSet ports =
        new FieldSet()
            .insert(List.of("k:{\"containerPort\":443,\"protocol\":\"TCP\"}"))
            .insert(List.of("k:{\"containerPort\":80,\"protocol\":\"TCP\"}"));
    assertEquals(
        List.of(
            "k:{\"containerPort\":80,\"protocol\":\"TCP\"}",
            "k:{\"containerPort\":443,\"protocol\":\"TCP\"}"),
        ports.tokens(),
        "numbers by value");
    assertThrows(
        IllegalArgumentException.class, () -> FieldSet.fromJson(FieldManagerTest.j("{'x:y':{}}")));
  }

  @Test
  void setOperationsAreOnExactPaths() {
    FieldSet a =
        new FieldSet()
            .insert(List.of("f:spec", "f:replicas"))
            .insert(List.of("f:spec", "f:paused"));
    FieldSet b = new FieldSet().insert(List.of("f:spec", "f:replicas"));
    assertEquals(List.of(List.of("f:spec", "f:paused")), a.difference(b).paths());
    assertEquals(List.of(List.of("f:spec", "f:replicas")), a.intersection(b).paths());
    FieldSet spec = new FieldSet().insert(List.of("f:spec"));
    assertTrue(a.recursiveDifference(spec).isEmpty());
    assertEquals(
        ".spec.containers[name=\"app\"].ports[containerPort=80,protocol=\"TCP\"]",
        FieldSet.describe(
            List.of(
                "f:spec",
                "f:containers",
                "k:{\"name\":\"app\"}",
                "f:ports",
                "k:{\"containerPort\":80,\"protocol\":\"TCP\"}")));
    assertEquals(
        ".metadata.finalizers[=\"a\"]",
        FieldSet.describe(List.of("f:metadata", "f:finalizers", "v:\"a\"")));
  }

  /** Live-only items stay where they were; applied items keep the applied order. */
  @Test
  void mapListMergeKeepsAppliedOrderAndLiveOnlyItems() {
    SchemaNode container = SCHEMAS.definition("io.k8s.api.core.v1.Container");
    ObjectNode live =
        FieldManagerTest.j(
            "{'env':[{'name':'A','value':'1'},{'name':'X','value':'x'},"
                + "{'name':'B','value':'2'}]}");
    ObjectNode config =
        FieldManagerTest.j(
            "{'env':[{'name':'B','value':'3'},{'name':'A'}," + "{'name':'C','value':'4'}]}");
    var merged = StructuredMerge.mergeInto(live, config, container);
    assertEquals(
        FieldManagerTest.j(
            "{'env':[{'name':'X','value':'x'},{'name':'B','value':'3'},"
                + "{'name':'A','value':'1'},{'name':'C','value':'4'}]}"),
        merged);
  }

  @Test
  void setListsMergeAsUnionsAndAtomicListsAreReplaced() {
    SchemaNode meta = SCHEMAS.objectMeta();
    var merged =
        StructuredMerge.mergeInto(
            FieldManagerTest.j("{'finalizers':['a','b']}"),
            FieldManagerTest.j("{'finalizers':['c','a']}"),
            meta);
    assertEquals(FieldManagerTest.j("{'finalizers':['c','a','b']}"), merged);
    SchemaNode container = SCHEMAS.definition("io.k8s.api.core.v1.Container");
    merged =
        StructuredMerge.mergeInto(
            FieldManagerTest.j("{'args':['a','b']}"),
            FieldManagerTest.j("{'args':['c']}"),
            container);
    assertEquals(FieldManagerTest.j("{'args':['c']}"), merged);
  }

  /** A CRD schema's x-kubernetes-list-type/map-keys drive ownership; other lists are atomic. */
  @Test
  void customResourceSchemasDriveListOwnership() {
    ResourceType type =
        new ResourceType(
            "example.com",
            "v1",
            "Widget",
            "widgets",
            "widget",
            true,
            List.of("patch"),
            List.of(),
            List.of(),
            List.of(),
            "WidgetList",
            false,
            true);
    SchemaNode schema =
        SchemaNode.of(
                FieldManagerTest.j(
                    "{'type':'object','properties':{"
                        + "'spec':{'type':'object','properties':{'parts':{'type':'array',"
                        + "'x-kubernetes-list-type':'map','x-kubernetes-list-map-keys':['id'],'items':{"
                        + "'type':'object','properties':{'id':{'type':'string'},'size':{'type':'integer'}}}},"
                        + "'tags':{'type':'array','items':{'type':'string'}}}}}}"),
                null)
            .withFields(java.util.Map.of("metadata", SCHEMAS.objectMeta()));
    FieldManager fields = new FieldManager(type, schema, null);
    ObjectNode live =
        fields.apply(
            null,
            FieldManagerTest.j(
                "{'apiVersion':'example.com/v1',"
                    + "'kind':'Widget','metadata':{'name':'w'},'spec':{'parts':[{'id':'a','size':1}],"
                    + "'tags':['x']}}"),
            "one",
            false);
    ObjectNode both =
        fields.apply(
            live,
            FieldManagerTest.j(
                "{'apiVersion':'example.com/v1',"
                    + "'kind':'Widget','metadata':{'name':'w'},'spec':{'parts':[{'id':'b','size':2}]}}"),
            "two",
            false);
    assertEquals(2, both.at("/spec/parts").size(), both.toString());
    assertTrue(
        FieldManagerTest.owns(
            both, "two", "Apply", "f:spec", "f:parts", "k:{\"id\":\"b\"}", "f:size"));
    assertTrue(FieldManagerTest.owns(both, "one", "Apply", "f:spec", "f:tags"));
  }
}
