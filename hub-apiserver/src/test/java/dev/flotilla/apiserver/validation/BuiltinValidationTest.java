package dev.flotilla.apiserver.validation;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.registry.ResourceType;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Built-in objects as Go's decoder and upstream's validation take them: what a real client sends
 * passes (JSON numbers as quantities, integers as int-or-string, nulls, required lists a client
 * leaves out when empty, controller-owned status), what Go could not decode or upstream refuses
 * fails with the field path.
 */
class BuiltinValidationTest {
  private static final SchemaAdmission ADMISSION = Fixtures.admission();

  static Stream<Arguments> accepted() {
    return Stream.of(
        Arguments.of(
            "",
            "v1",
            "pods",
            "{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\","
                + "\"resources\":{\"limits\":{\"cpu\":1,\"memory\":\"128Mi\"},\"requests\":{\"cpu\":\"500m\"}},"
                + "\"ports\":[{\"containerPort\":80}],\"livenessProbe\":{\"httpGet\":{\"port\":\"http\"}},"
                + "\"readinessProbe\":{\"tcpSocket\":{\"port\":8080}}}],\"nodeName\":null}}"),
        Arguments.of("discovery.k8s.io", "v1", "endpointslices", "{\"addressType\":\"IPv4\"}"),
        Arguments.of(
            "apps",
            "v1",
            "replicasets",
            "{\"spec\":{\"selector\":{\"matchLabels\":{\"a\":\"b\"}},"
                + "\"template\":{\"metadata\":{\"labels\":{\"a\":\"b\"},\"creationTimestamp\":null},"
                + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}},"
                + "\"status\":{\"conditions\":[{\"message\":\"m\"}]}}"),
        Arguments.of("", "v1", "services", "{\"spec\":{\"clusterIP\":\"None\"}}"),
        Arguments.of(
            "", "v1", "secrets", "{\"data\":{\"k\":\"dmFsdWU=\"},\"stringData\":{\"s\":\"x\"}}"),
        Arguments.of(
            "",
            "v1",
            "configmaps",
            "{\"data\":{\"a.b-c_D\":\"x\"},\"binaryData\":{\"e\":\"AA==\"}}"));
  }

  static Stream<Arguments> refused() {
    return Stream.of(
        Arguments.of(
            "",
            "v1",
            "pods",
            "{\"spec\":{\"containers\":[{\"image\":\"i\"}]}}",
            "spec.containers[0].name: Required value"),
        Arguments.of(
            "",
            "v1",
            "pods",
            "{\"spec\":{\"containers\":[{\"name\":\"c\"}]}}",
            "spec.containers[0].image: Required value"),
        Arguments.of(
            "",
            "v1",
            "pods",
            "{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\","
                + "\"ports\":[{\"containerPort\":\"80\"}]}]}}",
            "spec.containers[0].ports[0].containerPort: Invalid value: \"string\""),
        Arguments.of(
            "",
            "v1",
            "pods",
            "{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\","
                + "\"livenessProbe\":{\"tcpSocket\":{\"port\":true}}}]}}",
            "spec.containers[0].livenessProbe.tcpSocket.port: Invalid value: \"boolean\": "
                + "spec.containers[0].livenessProbe.tcpSocket.port in body must be of type integer,string"),
        Arguments.of(
            "",
            "v1",
            "secrets",
            "{\"data\":{\"k\":\"not base64!\"}}",
            "data.k: Invalid value: \"not base64!\": data.k in body must be of type byte"),
        Arguments.of(
            "",
            "v1",
            "services",
            "{\"spec\":{\"ports\":[{\"port\":80,\"protocol\":\"HTTP\"}]}}",
            "spec.ports[0].protocol: Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\""),
        Arguments.of(
            "apps",
            "v1",
            "deployments",
            "{\"spec\":{\"replicas\":-1,"
                + "\"selector\":{\"matchLabels\":{\"a\":\"b\"}},\"template\":{\"metadata\":{\"labels\":"
                + "{\"a\":\"b\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}}}",
            "spec.replicas: Invalid value: -1: must be greater than or equal to 0"),
        Arguments.of(
            "apps",
            "v1",
            "deployments",
            "{\"spec\":{\"selector\":{},\"template\":{\"spec\":"
                + "{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}}}",
            "spec.selector: Invalid value: {}: empty selector is invalid for deployment"));
  }

  private static ObjectNode object(ResourceType type, String rest) {
    ObjectNode obj = (ObjectNode) Json.parseObject(rest.getBytes(), false);
    obj.put("apiVersion", type.apiVersion());
    obj.put("kind", type.kind());
    obj.putObject("metadata").put("name", "x");
    return obj;
  }

  private static void admit(ResourceType type, ObjectNode obj, ObjectNode old) {
    ADMISSION.decode(type, obj, old, WriteContext.internal());
    ADMISSION.validate(type, obj, old);
  }

  @ParameterizedTest(name = "{2}: {3}")
  @MethodSource("accepted")
  void whatClientsSendPasses(String group, String version, String plural, String body) {
    ResourceType type = Fixtures.builtin(group, version, plural);
    assertDoesNotThrow(() -> admit(type, object(type, body), null));
  }

  @ParameterizedTest(name = "{2}: {4}")
  @MethodSource("refused")
  void whatUpstreamRefusesFails(
      String group, String version, String plural, String body, String message) {
    ResourceType type = Fixtures.builtin(group, version, plural);
    ApiException e = assertThrows(ApiException.class, () -> admit(type, object(type, body), null));
    assertEquals(422, e.code());
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  @ParameterizedTest(name = "{2}: {4}")
  @MethodSource("refused")
  void anUpdateThatKeepsWhatWasStoredPasses(
      String group, String version, String plural, String body, String message) {
    // Stored before the rule existed: updating (say, finalizing) it must not be blocked.
    ResourceType type = Fixtures.builtin(group, version, plural);
    ObjectNode old = object(type, body);
    ObjectNode updated = old.deepCopy();
    updated.with("metadata").putArray("finalizers");
    assertDoesNotThrow(() -> admit(type, updated, old));
  }
}
