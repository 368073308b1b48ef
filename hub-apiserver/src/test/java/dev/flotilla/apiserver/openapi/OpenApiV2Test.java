package dev.flotilla.apiserver.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.registry.ResourceType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The {@code /openapi/v2} skeleton in both encodings. The protobuf side is read back here with a
 * tiny wire-format reader and walked along the path kubectl 1.27's {@code supportsQueryParam}
 * takes: Document.paths(8).path(2) → PathItem.patch(8) → Operation.vendor_extension(13) and
 * Operation.parameters(8) →
 * Parameter(1).non_body_parameter(2).query_parameter_sub_schema(3).name(4) (field numbers from
 * gnostic's OpenAPIv2.proto).
 */
class OpenApiV2Test {
  private static final ResourceType CONFIG_MAPS =
      new ResourceType(
          "",
          "v1",
          "ConfigMap",
          "configmaps",
          "configmap",
          true,
          List.of("create", "delete", "get", "list", "patch", "update", "watch"),
          List.of("cm"),
          List.of(),
          List.of(),
          "ConfigMapList",
          true,
          true);
  private static final ResourceType POLICIES =
      new ResourceType(
          "policy.karmada.io",
          "v1alpha1",
          "PropagationPolicy",
          "propagationpolicies",
          "propagationpolicy",
          true,
          List.of("create", "delete", "get", "list", "patch", "update", "watch"),
          List.of("pp"),
          List.of(),
          List.of("status"),
          "PropagationPolicyList",
          false,
          true);
  private static final ResourceType CLUSTERS =
      new ResourceType(
          "cluster.karmada.io",
          "v1alpha1",
          "Cluster",
          "clusters",
          "cluster",
          false,
          List.of("get", "list", "patch"),
          List.of(),
          List.of(),
          List.of(),
          "ClusterList",
          false,
          true);
  private static final ResourceType READ_ONLY =
      new ResourceType(
          "",
          "v1",
          "ComponentStatus",
          "componentstatuses",
          "componentstatus",
          false,
          List.of("get", "list"),
          List.of(),
          List.of(),
          List.of(),
          "ComponentStatusList",
          true,
          true);

  private final OpenApiV2 openApi = new OpenApiV2("v1.33.0");

  /** One decoded message: field number → raw values, in order. */
  private record Message(Map<Integer, List<Object>> fields) {
    static Message parse(byte[] bytes) {
      Map<Integer, List<Object>> fields = new LinkedHashMap<>();
      int[] pos = {0};
      while (pos[0] < bytes.length) {
        long tag = varint(bytes, pos);
        int field = (int) (tag >>> 3);
        int wireType = (int) (tag & 7);
        Object value;
        if (wireType == 0) {
          value = varint(bytes, pos);
        } else if (wireType == 2) {
          int length = (int) varint(bytes, pos);
          byte[] slice = new byte[length];
          System.arraycopy(bytes, pos[0], slice, 0, length);
          pos[0] += length;
          value = slice;
        } else {
          throw new AssertionError("unexpected wire type " + wireType + " for field " + field);
        }
        fields.computeIfAbsent(field, k -> new ArrayList<>()).add(value);
      }
      return new Message(fields);
    }

    private static long varint(byte[] b, int[] pos) {
      long result = 0;
      for (int shift = 0; ; shift += 7) {
        byte x = b[pos[0]++];
        result |= (long) (x & 0x7F) << shift;
        if (x >= 0) {
          return result;
        }
      }
    }

    List<Message> messages(int field) {
      return fields.getOrDefault(field, List.of()).stream().map(v -> parse((byte[]) v)).toList();
    }

    Message message(int field) {
      List<Message> all = messages(field);
      assertEquals(1, all.size(), "field " + field + " of " + this);
      return all.get(0);
    }

    String string(int field) {
      List<Object> all = fields.getOrDefault(field, List.of());
      return all.isEmpty() ? "" : new String((byte[]) all.get(0), StandardCharsets.UTF_8);
    }

    List<String> strings(int field) {
      return fields.getOrDefault(field, List.of()).stream()
          .map(v -> new String((byte[]) v, StandardCharsets.UTF_8))
          .toList();
    }
  }

  /** PathItem per path name, from Document.paths. */
  private static Map<String, Message> pathItems(byte[] document) {
    Map<String, Message> items = new LinkedHashMap<>();
    for (Message named : Message.parse(document).message(8).messages(2)) {
      items.put(named.string(1), named.message(2));
    }
    return items;
  }

  @Test
  void protobufCarriesSwaggerVersionAndInfo() {
    Message doc = Message.parse(openApi.protobuf(List.of(CONFIG_MAPS)));
    assertEquals("2.0", doc.string(1));
    assertEquals("Kubernetes", doc.message(2).string(1));
    assertEquals("v1.33.0", doc.message(2).string(2));
  }

  @Test
  void everyPatchableTypeHasAPatchOperationWithItsKindAndFieldValidation() {
    Map<String, Message> items =
        pathItems(openApi.protobuf(List.of(CONFIG_MAPS, POLICIES, CLUSTERS, READ_ONLY)));
    assertEquals(
        List.of(
            "/api/v1/namespaces/{namespace}/configmaps/{name}",
            "/apis/policy.karmada.io/v1alpha1/namespaces/{namespace}/propagationpolicies/{name}",
            "/apis/cluster.karmada.io/v1alpha1/clusters/{name}"),
        List.copyOf(items.keySet()),
        "component statuses cannot be patched, so they have no path");

    Message patch = items.get("/api/v1/namespaces/{namespace}/configmaps/{name}").message(8);
    assertEquals("patchCoreV1NamespacedConfigMap", patch.string(5));
    Map<String, String> extensions = new LinkedHashMap<>();
    for (Message namedAny : patch.messages(13)) {
      extensions.put(namedAny.string(1), namedAny.message(2).string(2));
    }
    JsonNode gvk =
        Json.parseObject(
            extensions.get("x-kubernetes-group-version-kind").getBytes(StandardCharsets.UTF_8),
            true);
    assertEquals("", gvk.path("group").asText("missing"));
    assertEquals("v1", gvk.path("version").asText());
    assertEquals("ConfigMap", gvk.path("kind").asText());

    List<String> queryParams = new ArrayList<>();
    for (Message item : patch.messages(8)) {
      Message parameter = item.message(1);
      for (Message nonBody : parameter.messages(2)) {
        for (Message query : nonBody.messages(3)) {
          assertEquals("query", query.string(2));
          queryParams.add(query.string(4));
        }
      }
    }
    assertTrue(queryParams.contains("fieldValidation"), queryParams.toString());
    assertTrue(queryParams.contains("fieldManager"), queryParams.toString());
    assertTrue(patch.strings(7).contains("application/strategic-merge-patch+json"));

    Message crdPatch =
        items
            .get(
                "/apis/policy.karmada.io/v1alpha1/namespaces/{namespace}/propagationpolicies/{name}")
            .message(8);
    assertFalse(
        crdPatch.strings(7).contains("application/strategic-merge-patch+json"),
        "custom resources take no strategic merge patch");
  }

  @Test
  void pathParametersUseThePathSubSchema() {
    Message item = pathItems(openApi.protobuf(List.of(CONFIG_MAPS))).values().iterator().next();
    List<String> names = new ArrayList<>();
    for (Message p : item.messages(9)) {
      Message path = p.message(1).message(2).message(4);
      assertEquals("path", path.string(2));
      assertEquals("string", path.string(5));
      names.add(path.string(4));
    }
    assertEquals(List.of("name", "namespace"), names);
  }

  @Test
  void jsonIsTheSameDocument() {
    JsonNode doc = Json.parseObject(openApi.json(List.of(CONFIG_MAPS, POLICIES)), false);
    assertEquals("2.0", doc.path("swagger").asText());
    JsonNode patch = doc.at("/paths/~1api~1v1~1namespaces~1{namespace}~1configmaps~1{name}/patch");
    assertEquals("ConfigMap", patch.at("/x-kubernetes-group-version-kind/kind").asText());
    assertTrue(patch.path("parameters").toString().contains("\"fieldValidation\""));
  }

  @Test
  void renderingIsCachedUntilTheServedTypesChange() {
    byte[] first = openApi.protobuf(List.of(CONFIG_MAPS));
    assertSame(first, openApi.protobuf(new ArrayList<>(List.of(CONFIG_MAPS))));
    byte[] withCrd = openApi.protobuf(List.of(CONFIG_MAPS, POLICIES));
    assertNotSame(first, withCrd);
    assertEquals(2, pathItems(withCrd).size());
  }

  @Test
  void theProtobufEncoderRefusesWhatItCannotCarry() {
    ObjectNode doc = JsonNodeFactory.instance.objectNode();
    doc.put("swagger", "2.0");
    doc.putObject("definitions");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SwaggerProtobuf.encode(doc));
    assertTrue(e.getMessage().contains("definitions"), e.getMessage());
  }

  @Test
  void acceptHeaderChoosesTheEncoding() {
    assertTrue(OpenApiV2.wantsProtobuf(OpenApiV2.PROTOBUF_TYPE));
    assertTrue(
        OpenApiV2.wantsProtobuf(
            "application/com.github.proto-openapi.spec.v2.v1.0+protobuf, application/json"));
    assertFalse(OpenApiV2.wantsProtobuf("application/json"));
    assertFalse(OpenApiV2.wantsProtobuf(null));
  }
}
