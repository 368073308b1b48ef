package dev.flotilla.apiserver.validation;

import static dev.flotilla.apiserver.validation.Fixtures.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.registry.ResourceType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each OpenAPI keyword a structural schema may use, with kube-apiserver's error text. */
class SchemaKeywordsTest {
  private static final String SCHEMA =
      """
      type: object
      properties:
        metadata:
          type: object
          properties:
            name: {type: string, maxLength: 10}
        spec:
          type: object
          required: [size]
          properties:
            size: {type: integer, format: int32, minimum: 1, maximum: 10}
            ratio: {type: number, exclusiveMinimum: true, minimum: 0, multipleOf: 0.5}
            name: {type: string, minLength: 2, maxLength: 5, pattern: '^[a-z]+$'}
            when: {type: string, format: date-time}
            mode: {type: string, enum: [fast, slow], default: slow}
            port: {x-kubernetes-int-or-string: true, anyOf: [{type: integer}, {type: string}]}
            note: {type: string, nullable: true}
            tags: {type: array, items: {type: string}, maxItems: 2, x-kubernetes-list-type: set}
            hosts: {type: array, minItems: 1, items: {type: string}}
            ports:
              type: array
              x-kubernetes-list-type: map
              x-kubernetes-list-map-keys: [port]
              items:
                type: object
                required: [port]
                properties: {port: {type: integer}, name: {type: string, default: http}}
            labels: {type: object, additionalProperties: {type: string}, maxProperties: 2}
            raw: {type: object, x-kubernetes-preserve-unknown-fields: true}
            template:
              type: object
              x-kubernetes-embedded-resource: true
              properties: {spec: {type: object, properties: {image: {type: string}}}}
            choice:
              type: object
              properties: {a: {type: string}, b: {type: string}}
              oneOf: [{required: [a]}, {required: [b]}]
            plain: {type: string, not: {enum: [forbidden]}}
      """;
  private static final ResourceType GADGETS = Fixtures.custom("Gadget");
  private final SchemaAdmission admission = Fixtures.admission(Map.of(GADGETS, yaml(SCHEMA)));

  private ObjectNode gadget(String spec) {
    return yaml(
        "apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: g}\nspec:\n"
            + spec.stripIndent().indent(2));
  }

  /** The field errors of {@code spec} as "field: body" lines. */
  private List<String> errors(String spec) {
    ObjectNode obj = gadget(spec);
    admission.decode(GADGETS, obj, null, new WriteContext("create", FieldValidation.IGNORE));
    try {
      admission.validate(GADGETS, obj, null);
      return List.of();
    } catch (ApiException e) {
      return e.causes().stream().map(c -> c.field() + ": " + c.message()).toList();
    }
  }

  @Test
  void aValidObjectPassesAndIsDefaulted() {
    ObjectNode obj =
        gadget(
            """
        size: 3
        ratio: 1.5
        name: abc
        when: "2024-05-01T10:00:00Z"
        port: 8080
        note: null
        tags: [a, b]
        hosts: [h]
        ports: [{port: 80}, {port: 443, name: https}]
        labels: {a: x}
        raw: {anything: [1, {deep: true}]}
        template: {apiVersion: v1, kind: Pod, metadata: {name: p, labels: {a: b}}, spec: {image: x}}
        choice: {a: x}
        plain: ok
        """);
    admission.decode(GADGETS, obj, null, new WriteContext("create", FieldValidation.STRICT));
    admission.validate(GADGETS, obj, null);
    assertEquals("slow", obj.at("/spec/mode").asText());
    assertEquals("http", obj.at("/spec/ports/0/name").asText());
    assertEquals("https", obj.at("/spec/ports/1/name").asText());
    assertTrue(obj.at("/spec/note").isNull(), "nullable keeps null");
    assertTrue(obj.at("/spec/raw/anything/1/deep").asBoolean());
  }

  @Test
  void scalarKeywords() {
    assertEquals(
        List.of(
            "spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1",
            "spec.ratio: Invalid value: 0: spec.ratio in body should be greater than 0",
            "spec.name: Too long: may not be more than 5 bytes",
            "spec.name: Invalid value: \"ABCDEF\": spec.name in body should match '^[a-z]+$'",
            "spec.when: Invalid value: \"yesterday\": spec.when in body must be of type date-time:"
                + " \"yesterday\"",
            "spec.mode: Unsupported value: \"medium\": supported values: \"fast\", \"slow\""),
        errors("{size: 0, ratio: 0, name: ABCDEF, when: yesterday, mode: medium}"));
    assertEquals(
        List.of(
            "spec.size: Invalid value: 11: spec.size in body should be less than"
                + " or equal to 10",
            "spec.ratio: Invalid value: 0.7: spec.ratio in body should be a multiple of 0.5",
            "spec.name: Invalid value: \"a\": spec.name in body should be at least 2 chars long"),
        errors("{size: 11, ratio: 0.7, name: a}"));
    assertEquals(
        List.of(
            "spec.size: Invalid value: 3000000000: spec.size in body must be of"
                + " type int32: \"3000000000\""),
        errors("{size: 3000000000}").subList(1, 2));
  }

  @Test
  void typesAndRequired() {
    assertEquals(
        List.of(
            "spec.size: Required value",
            "spec.name: Invalid value: \"integer\": spec.name in body must be of type string:"
                + " \"integer\"",
            "spec.port: Invalid value: \"boolean\": spec.port in body must be of type"
                + " integer,string: \"boolean\"",
            "spec.tags: Invalid value: \"string\": spec.tags in body must be of type array:"
                + " \"string\""),
        errors("{name: 5, port: true, tags: x}"));
    assertEquals(List.of(), errors("{size: 2.0, port: http}"), "2.0 is an integer, as in Go");
  }

  @Test
  void nonNullableNullsArePrunedBeforeValidation() {
    assertEquals(List.of("spec.size: Required value"), errors("{size: null}"));
  }

  @Test
  void listsAndMaps() {
    assertEquals(
        List.of(
            "spec.tags: Too many: 3: must have at most 2 items",
            "spec.tags[2]: Duplicate value: \"a\"",
            "spec.hosts: Invalid value: 0: spec.hosts in body should have at least 1 items",
            "spec.ports[1]: Duplicate value: {\"port\":80}",
            "spec.labels: Too many: 3: must have at most 2 items"),
        errors(
            "{size: 1, tags: [a, b, a], hosts: [], ports: [{port: 80}, {port: 80}],"
                + " labels: {a: x, b: y, c: z}}"));
  }

  @Test
  void compositionAndEmbeddedResources() {
    assertEquals(
        List.of(
            "spec.template.apiVersion: Required value: must not be empty",
            "spec.template.kind: Required value: must not be empty",
            "spec.choice: Invalid value: {\"a\":\"x\",\"b\":\"y\"}: spec.choice in body must"
                + " validate one and only one schema (oneOf)",
            "spec.plain: Invalid value: \"forbidden\": spec.plain in body must not validate the"
                + " schema (not)"),
        errors("{size: 1, template: {spec: {}}, choice: {a: x, b: y}, plain: forbidden}"));
  }

  @Test
  void embeddedResourcesKeepTypeMetaAndObjectMetaOnly() {
    ObjectNode obj =
        gadget(
            "{size: 1, template: {apiVersion: v1, kind: Pod, metadata: {name: p,"
                + " bogus: 1}, spec: {image: x, extra: 2}, other: 3}}");
    WriteContext ctx = new WriteContext("create", FieldValidation.WARN);
    admission.decode(GADGETS, obj, null, ctx);
    assertEquals(
        List.of(
            "unknown field \"spec.template.metadata.bogus\"",
            "unknown field \"spec.template.spec.extra\"",
            "unknown field \"spec.template.other\""),
        ctx.warnings());
    assertEquals("p", obj.at("/spec/template/metadata/name").asText());
    assertFalse(obj.at("/spec/template").has("other"));
  }

  @Test
  void metadataNameFollowsTheSchema() {
    ObjectNode obj =
        yaml(
            "apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: much-too-long-name}\n"
                + "spec: {size: 1}\n");
    ApiException e = assertThrows(ApiException.class, () -> admission.validate(GADGETS, obj, null));
    assertEquals(
        "Gadget.example.com \"much-too-long-name\" is invalid: metadata.name: Too long:"
            + " may not be more than 10 bytes",
        e.getMessage());
  }

  @Test
  void severalErrorsAreBracketed() {
    ObjectNode obj = gadget("{size: 0, mode: x}");
    ApiException e = assertThrows(ApiException.class, () -> admission.validate(GADGETS, obj, null));
    assertTrue(
        e.getMessage().startsWith("Gadget.example.com \"g\" is invalid: [spec.size: "),
        e.getMessage());
    assertTrue(e.getMessage().endsWith("supported values: \"fast\", \"slow\"]"), e.getMessage());
  }
}
