package dev.flotilla.apiserver.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.apiserver.objects.Json;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What passes as an ObjectMeta and the field path of what does not. */
class ObjectMetaValidationTest {

  private static JsonNode tree(String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(json, e);
    }
  }

  private static List<String> fields(String metadata) {
    JsonNode node = tree(metadata);
    return ObjectMetaValidation.check(node).stream().map(FieldError::field).toList();
  }

  @ParameterizedTest(name = "{0} is an ObjectMeta")
  @CsvSource(
      delimiter = '|',
      value = {
        "null",
        "{}",
        "{\"name\":null,\"labels\":null,\"ownerReferences\":null,\"finalizers\":null}",
        "{\"name\":\"a\",\"namespace\":\"n\",\"generateName\":\"a-\",\"uid\":\"u\","
            + "\"resourceVersion\":\"7\",\"generation\":3,\"deletionGracePeriodSeconds\":0,"
            + "\"creationTimestamp\":\"2024-01-02T03:04:05Z\","
            + "\"deletionTimestamp\":\"2024-01-02T03:04:05.123+01:00\","
            + "\"labels\":{\"a\":\"b\"},\"annotations\":{\"c\":\"\"},\"finalizers\":[\"x/y\"],"
            + "\"ownerReferences\":[{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"name\":\"o\","
            + "\"uid\":\"1\",\"controller\":true,\"blockOwnerDeletion\":false}],"
            + "\"managedFields\":[{\"manager\":\"m\",\"operation\":\"Apply\",\"apiVersion\":\"v1\","
            + "\"time\":\"2024-01-02T03:04:05Z\",\"fieldsType\":\"FieldsV1\","
            + "\"fieldsV1\":{\"f:data\":{}}}],\"someFutureField\":{\"x\":1}}",
      })
  void wellFormedMetadataPasses(String metadata) {
    assertEquals(List.of(), fields(metadata));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "\"x\"                                                  | metadata",
        "{\"ownerReferences\":\"x\"}                            | metadata.ownerReferences",
        "{\"ownerReferences\":[5]}                              | metadata.ownerReferences[0]",
        "{\"ownerReferences\":[{\"apiVersion\":\"v1\",\"kind\":\"K\",\"name\":\"n\",\"uid\":5}]}"
            + " | metadata.ownerReferences[0].uid",
        "{\"ownerReferences\":[{\"apiVersion\":\"v1\",\"kind\":\"K\",\"name\":\"n\",\"uid\":\"u\","
            + "\"controller\":\"yes\"}]} | metadata.ownerReferences[0].controller",
        "{\"ownerReferences\":[{\"apiVersion\":\"v1\",\"kind\":\"K\",\"name\":\"\",\"uid\":\"u\"}]}"
            + " | metadata.ownerReferences[0].name",
        "{\"ownerReferences\":[{\"apiVersion\":\"v1\",\"kind\":\"K\",\"name\":\"a\",\"uid\":\"1\","
            + "\"controller\":true},{\"apiVersion\":\"v1\",\"kind\":\"K\",\"name\":\"b\",\"uid\":\"2\","
            + "\"controller\":true}]} | metadata.ownerReferences",
        "{\"name\":5}                                           | metadata.name",
        "{\"namespace\":[]}                                     | metadata.namespace",
        "{\"generation\":\"1\"}                                 | metadata.generation",
        "{\"generation\":1.5}                                   | metadata.generation",
        "{\"generation\":9223372036854775808}                   | metadata.generation",
        "{\"deletionGracePeriodSeconds\":-1e30}                 | metadata.deletionGracePeriodSeconds",
        "{\"creationTimestamp\":\"yesterday\"}                  | metadata.creationTimestamp",
        "{\"deletionTimestamp\":{}}                             | metadata.deletionTimestamp",
        "{\"labels\":\"a=b\"}                                   | metadata.labels",
        "{\"labels\":{\"a\":true}}                              | metadata.labels.a",
        "{\"annotations\":{\"a\":{\"b\":\"c\"}}}                | metadata.annotations.a",
        "{\"finalizers\":[\"\"]}                                | metadata.finalizers[0]",
        "{\"finalizers\":[1]}                                   | metadata.finalizers[0]",
        "{\"managedFields\":[{\"manager\":1}]}                  | metadata.managedFields[0].manager",
        "{\"managedFields\":[{\"fieldsV1\":\"f\"}]}             | metadata.managedFields[0].fieldsV1",
        "{\"managedFields\":[{\"time\":\"noon\"}]}              | metadata.managedFields[0].time",
      })
  void malformedMetadataNamesTheField(String metadata, String field) {
    assertEquals(List.of(field), fields(metadata));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"ownerReferences\":\"x\"} | metadata.ownerReferences: Invalid value: \"string\":"
            + " metadata.ownerReferences in body must be of type array: \"string\"",
        "{\"labels\":{\"a\":1}} | metadata.labels.a: Invalid value: \"integer\":"
            + " metadata.labels.a in body must be of type string: \"integer\"",
      })
  void messagesReadAsKubeApiserverSchemaErrors(String metadata, String message) {
    assertEquals(message, ObjectMetaValidation.check(tree(metadata)).get(0).message());
  }

  @org.junit.jupiter.api.Test
  void aValidTimestampSeenBeforeDoesNotLetAnInvalidOneThrough() {
    String valid = "{\"creationTimestamp\":\"2024-02-28T03:04:05Z\"}";
    String invalid = "{\"creationTimestamp\":\"2024-02-30T03:04:05Z\"}";
    assertEquals(List.of(), fields(valid));
    assertEquals(List.of(), fields(valid));
    assertEquals(List.of("metadata.creationTimestamp"), fields(invalid));
    assertEquals(List.of("metadata.creationTimestamp"), fields(invalid));
    assertEquals(List.of(), fields(valid));
    assertEquals(
        List.of("metadata.managedFields[0].time"),
        fields("{\"managedFields\":[{\"time\":\"2024-02-30T03:04:05Z\"}]}"));
  }
}
