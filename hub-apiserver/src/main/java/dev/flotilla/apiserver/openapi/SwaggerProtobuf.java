package dev.flotilla.apiserver.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.protobuf.ProtoWriter;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Encodes a Swagger 2.0 JSON tree as gnostic's {@code openapi.v2.Document} protobuf, the form
 * kubectl 1.27 and 1.28 parse. Only the subset {@link OpenApiV2} emits is supported; anything else
 * fails loudly, so the JSON and protobuf encodings cannot silently drift apart.
 *
 * <p>Field numbers are those of gnostic's {@code openapiv2/OpenAPIv2.proto} (google/gnostic, and
 * the google/gnostic-models copy kubectl 1.28+ vendors). Vendor extensions ({@code x-...}) become
 * {@code NamedAny} entries whose {@code Any.yaml} holds the value; the value is written as JSON
 * text, which YAML parsers read as a flow mapping or scalar.
 */
final class SwaggerProtobuf {
  // Document
  private static final int DOCUMENT_SWAGGER = 1;
  private static final int DOCUMENT_INFO = 2;
  private static final int DOCUMENT_PATHS = 8;
  private static final int DOCUMENT_VENDOR_EXTENSION = 16;
  // Info
  private static final int INFO_TITLE = 1;
  private static final int INFO_VERSION = 2;
  private static final int INFO_DESCRIPTION = 3;
  // Paths, and the Named* pairs every map becomes
  private static final int PATHS_PATH = 2;
  private static final int NAMED_NAME = 1;
  private static final int NAMED_VALUE = 2;
  // PathItem
  private static final Map<String, Integer> PATH_ITEM_OPERATIONS =
      Map.of("get", 2, "put", 3, "post", 4, "delete", 5, "options", 6, "head", 7, "patch", 8);
  private static final int PATH_ITEM_PARAMETERS = 9;
  private static final int PATH_ITEM_VENDOR_EXTENSION = 10;
  // Operation
  private static final int OPERATION_SUMMARY = 2;
  private static final int OPERATION_DESCRIPTION = 3;
  private static final int OPERATION_ID = 5;
  private static final int OPERATION_PRODUCES = 6;
  private static final int OPERATION_CONSUMES = 7;
  private static final int OPERATION_PARAMETERS = 8;
  private static final int OPERATION_RESPONSES = 9;
  private static final int OPERATION_VENDOR_EXTENSION = 13;
  // ParametersItem -> Parameter -> BodyParameter | NonBodyParameter
  private static final int PARAMETERS_ITEM_PARAMETER = 1;
  private static final int PARAMETER_BODY = 1;
  private static final int PARAMETER_NON_BODY = 2;
  private static final int NON_BODY_QUERY = 3;
  private static final int NON_BODY_PATH = 4;
  // BodyParameter
  private static final int BODY_DESCRIPTION = 1;
  private static final int BODY_NAME = 2;
  private static final int BODY_IN = 3;
  private static final int BODY_REQUIRED = 4;
  private static final int BODY_SCHEMA = 5;
  // QueryParameterSubSchema and PathParameterSubSchema share 1-4; "type" differs
  private static final int SUB_SCHEMA_REQUIRED = 1;
  private static final int SUB_SCHEMA_IN = 2;
  private static final int SUB_SCHEMA_DESCRIPTION = 3;
  private static final int SUB_SCHEMA_NAME = 4;
  private static final int QUERY_TYPE = 6;
  private static final int PATH_TYPE = 5;
  // Schema
  private static final int SCHEMA_REF = 1;
  private static final int SCHEMA_DESCRIPTION = 4;
  private static final int SCHEMA_TYPE = 22;
  private static final int TYPE_ITEM_VALUE = 1;
  // Responses -> NamedResponseValue -> ResponseValue -> Response
  private static final int RESPONSES_CODE = 1;
  private static final int RESPONSE_VALUE_RESPONSE = 1;
  private static final int RESPONSE_DESCRIPTION = 1;
  // Any
  private static final int ANY_YAML = 2;

  private static final Set<String> PARAMETER_KEYS =
      Set.of("name", "in", "description", "required", "type", "schema");

  private SwaggerProtobuf() {}

  /** The protobuf encoding of {@code swagger}. */
  static byte[] encode(JsonNode swagger) {
    ProtoWriter doc = new ProtoWriter();
    fields(
        swagger,
        "document",
        (key, value) -> {
          switch (key) {
            case "swagger" -> doc.string(DOCUMENT_SWAGGER, value.asText());
            case "info" -> doc.message(DOCUMENT_INFO, info(value));
            case "paths" -> doc.message(DOCUMENT_PATHS, paths(value));
            default -> vendorExtension(doc, DOCUMENT_VENDOR_EXTENSION, "document", key, value);
          }
        });
    return doc.toByteArray();
  }

  private static ProtoWriter info(JsonNode info) {
    ProtoWriter w = new ProtoWriter();
    fields(
        info,
        "info",
        (key, value) -> {
          switch (key) {
            case "title" -> w.string(INFO_TITLE, value.asText());
            case "version" -> w.string(INFO_VERSION, value.asText());
            case "description" -> w.string(INFO_DESCRIPTION, value.asText());
            default -> throw unsupported("info", key);
          }
        });
    return w;
  }

  private static ProtoWriter paths(JsonNode paths) {
    ProtoWriter w = new ProtoWriter();
    paths
        .fields()
        .forEachRemaining(
            e ->
                w.message(
                    PATHS_PATH,
                    new ProtoWriter()
                        .string(NAMED_NAME, e.getKey())
                        .message(NAMED_VALUE, pathItem(e.getValue()))));
    return w;
  }

  private static ProtoWriter pathItem(JsonNode item) {
    ProtoWriter w = new ProtoWriter();
    fields(
        item,
        "path item",
        (key, value) -> {
          Integer operation = PATH_ITEM_OPERATIONS.get(key);
          if (operation != null) {
            w.message(operation, operation(value));
          } else if (key.equals("parameters")) {
            value.forEach(p -> w.message(PATH_ITEM_PARAMETERS, parametersItem(p)));
          } else {
            vendorExtension(w, PATH_ITEM_VENDOR_EXTENSION, "path item", key, value);
          }
        });
    return w;
  }

  private static ProtoWriter operation(JsonNode op) {
    ProtoWriter w = new ProtoWriter();
    fields(
        op,
        "operation",
        (key, value) -> {
          switch (key) {
            case "summary" -> w.string(OPERATION_SUMMARY, value.asText());
            case "description" -> w.string(OPERATION_DESCRIPTION, value.asText());
            case "operationId" -> w.string(OPERATION_ID, value.asText());
            case "produces" -> value.forEach(v -> w.string(OPERATION_PRODUCES, v.asText()));
            case "consumes" -> value.forEach(v -> w.string(OPERATION_CONSUMES, v.asText()));
            case "parameters" ->
                value.forEach(p -> w.message(OPERATION_PARAMETERS, parametersItem(p)));
            case "responses" -> w.message(OPERATION_RESPONSES, responses(value));
            default -> vendorExtension(w, OPERATION_VENDOR_EXTENSION, "operation", key, value);
          }
        });
    return w;
  }

  private static ProtoWriter parametersItem(JsonNode p) {
    p.fieldNames()
        .forEachRemaining(
            key -> {
              if (!PARAMETER_KEYS.contains(key)) {
                throw unsupported("parameter", key);
              }
            });
    String in = p.path("in").asText();
    ProtoWriter parameter = new ProtoWriter();
    switch (in) {
      case "body" -> parameter.message(PARAMETER_BODY, bodyParameter(p));
      case "query" ->
          parameter.message(
              PARAMETER_NON_BODY,
              new ProtoWriter().message(NON_BODY_QUERY, subSchema(p, QUERY_TYPE)));
      case "path" ->
          parameter.message(
              PARAMETER_NON_BODY,
              new ProtoWriter().message(NON_BODY_PATH, subSchema(p, PATH_TYPE)));
      default -> throw new IllegalArgumentException("unsupported parameter location: " + in);
    }
    return new ProtoWriter().message(PARAMETERS_ITEM_PARAMETER, parameter);
  }

  private static ProtoWriter bodyParameter(JsonNode p) {
    ProtoWriter w =
        new ProtoWriter()
            .string(BODY_DESCRIPTION, p.path("description").asText())
            .string(BODY_NAME, p.path("name").asText())
            .string(BODY_IN, "body")
            .bool(BODY_REQUIRED, p.path("required").asBoolean());
    if (p.has("schema")) {
      w.message(BODY_SCHEMA, schema(p.get("schema")));
    }
    return w;
  }

  private static ProtoWriter subSchema(JsonNode p, int typeField) {
    return new ProtoWriter()
        .bool(SUB_SCHEMA_REQUIRED, p.path("required").asBoolean())
        .string(SUB_SCHEMA_IN, p.path("in").asText())
        .string(SUB_SCHEMA_DESCRIPTION, p.path("description").asText())
        .string(SUB_SCHEMA_NAME, p.path("name").asText())
        .string(typeField, p.path("type").asText());
  }

  private static ProtoWriter schema(JsonNode schema) {
    ProtoWriter w = new ProtoWriter();
    fields(
        schema,
        "schema",
        (key, value) -> {
          switch (key) {
            case "$ref" -> w.string(SCHEMA_REF, value.asText());
            case "description" -> w.string(SCHEMA_DESCRIPTION, value.asText());
            case "type" ->
                w.message(SCHEMA_TYPE, new ProtoWriter().string(TYPE_ITEM_VALUE, value.asText()));
            default -> throw unsupported("schema", key);
          }
        });
    return w;
  }

  private static ProtoWriter responses(JsonNode responses) {
    ProtoWriter w = new ProtoWriter();
    responses
        .fields()
        .forEachRemaining(
            e -> {
              JsonNode response = e.getValue();
              response
                  .fieldNames()
                  .forEachRemaining(
                      key -> {
                        if (!key.equals("description")) {
                          throw unsupported("response", key);
                        }
                      });
              ProtoWriter value =
                  new ProtoWriter()
                      .message(
                          RESPONSE_VALUE_RESPONSE,
                          new ProtoWriter()
                              .string(RESPONSE_DESCRIPTION, response.path("description").asText()));
              w.message(
                  RESPONSES_CODE,
                  new ProtoWriter().string(NAMED_NAME, e.getKey()).message(NAMED_VALUE, value));
            });
    return w;
  }

  private static void vendorExtension(
      ProtoWriter w, int field, String where, String key, JsonNode value) {
    if (!key.startsWith("x-")) {
      throw unsupported(where, key);
    }
    String yaml = new String(Json.write(value), StandardCharsets.UTF_8);
    w.message(
        field,
        new ProtoWriter()
            .string(NAMED_NAME, key)
            .message(NAMED_VALUE, new ProtoWriter().string(ANY_YAML, yaml)));
  }

  private static void fields(JsonNode node, String where, BiConsumer<String, JsonNode> each) {
    if (!node.isObject()) {
      throw new IllegalArgumentException(where + " must be an object: " + node);
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      each.accept(e.getKey(), e.getValue());
    }
  }

  private static IllegalArgumentException unsupported(String where, String key) {
    return new IllegalArgumentException(
        "the protobuf encoding does not carry " + where + " field \"" + key + "\"");
  }
}
