package dev.flotilla.apiserver.protobuf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.protobuf.ProtoSchema.Field;
import dev.flotilla.apiserver.protobuf.ProtoSchema.Message;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The messages whose Go types marshal JSON by hand: metav1.Time/MicroTime/Duration/FieldsV1,
 * resource.Quantity, intstr.IntOrString, runtime.RawExtension, and apiextensions' JSON and
 * JSONSchemaPropsOr* unions. Each gets the JSON its Go MarshalJSON writes.
 */
final class SpecialTypes {
  private static final String META = "k8s.io.apimachinery.pkg.apis.meta.v1.";
  private static final String APIEXT = "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.";
  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'");
  private static final DateTimeFormatter MICROS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'");

  /** Go's zero time.Time, which marshals as null. */
  private static final long GO_ZERO_SECONDS = -62135596800L;

  private SpecialTypes() {}

  /** The hand-written JSON for message m from its decoded field values, or null if m is plain. */
  static JsonNode convert(MessageDecoder decoder, Message m, JsonNode[] values, int depth) {
    String name = m.name();
    switch (name) {
      case META + "Time":
        return time(m, values, false);
      case META + "MicroTime":
        return time(m, values, true);
      case META + "Duration":
        {
          JsonNode d = slot(m, values, 1);
          return TextNode.valueOf(GoDuration.format(d == null ? 0 : d.longValue()));
        }
      case META + "FieldsV1":
        return rawJson(decoder, slot(m, values, 1), depth);
      case "k8s.io.apimachinery.pkg.runtime.RawExtension":
        return rawJson(decoder, slot(m, values, 1), depth);
      case "k8s.io.apimachinery.pkg.api.resource.Quantity":
        {
          JsonNode s = slot(m, values, 1);
          return TextNode.valueOf(s == null || s.asText().isEmpty() ? "0" : s.asText());
        }
      case "k8s.io.apimachinery.pkg.util.intstr.IntOrString":
        return intOrString(m, values);
      default:
        break;
    }
    if (!name.startsWith(APIEXT)) {
      return null;
    }
    String simple = name.substring(name.lastIndexOf('.') + 1);
    return switch (simple) {
      case "JSON" -> rawJson(decoder, slot(m, values, 1), depth);
      case "JSONSchemaPropsOrBool" -> {
        JsonNode schema = slot(m, values, 2);
        JsonNode allows = slot(m, values, 1);
        yield schema != null ? schema : BooleanNode.valueOf(allows != null && allows.asBoolean());
      }
      case "JSONSchemaPropsOrArray" -> {
        JsonNode array = slot(m, values, 2);
        JsonNode schema = slot(m, values, 1);
        yield array != null && !array.isEmpty()
            ? array
            : schema != null ? schema : NullNode.instance;
      }
      case "JSONSchemaPropsOrStringArray" -> {
        JsonNode array = slot(m, values, 2);
        JsonNode schema = slot(m, values, 1);
        yield array != null && !array.isEmpty()
            ? array
            : schema != null ? schema : NullNode.instance;
      }
      default -> null;
    };
  }

  private static JsonNode slot(Message m, JsonNode[] values, int number) {
    Field f = m.byNumber().get(number);
    return f == null ? null : values[f.index()];
  }

  /** metav1.Time keeps whole seconds (its Unmarshal drops nanos); MicroTime keeps micros. */
  private static JsonNode time(Message m, JsonNode[] values, boolean micro) {
    JsonNode seconds = slot(m, values, 1);
    JsonNode nanos = slot(m, values, 2);
    if (seconds == null && nanos == null) {
      return NullNode.instance;
    }
    long s = seconds == null ? 0 : seconds.longValue();
    long n = micro && nanos != null ? nanos.longValue() : 0;
    try {
      Instant t = Instant.ofEpochSecond(s, n);
      if (t.getEpochSecond() == GO_ZERO_SECONDS && t.getNano() == 0) {
        return NullNode.instance;
      }
      LocalDateTime utc = LocalDateTime.ofInstant(t, ZoneOffset.UTC);
      if (utc.getYear() < 0 || utc.getYear() > 9999) {
        throw new MalformedProtobufException("time " + s + "s is outside years 0 to 9999");
      }
      return TextNode.valueOf((micro ? MICROS : SECONDS).format(utc));
    } catch (DateTimeException | ArithmeticException e) {
      throw new MalformedProtobufException("time " + s + "s cannot be represented");
    }
  }

  private static JsonNode intOrString(Message m, JsonNode[] values) {
    JsonNode type = slot(m, values, 1);
    long t = type == null ? 0 : type.longValue();
    if (t == 0) {
      JsonNode i = slot(m, values, 2);
      return i == null ? IntNode.valueOf(0) : i;
    }
    if (t == 1) {
      JsonNode s = slot(m, values, 3);
      return s == null ? TextNode.valueOf("") : s;
    }
    throw new MalformedProtobufException("IntOrString has impossible type " + t);
  }

  /** Raw bytes holding JSON (or, rarely, a nested Kubernetes protobuf object); empty is null. */
  private static JsonNode rawJson(MessageDecoder decoder, JsonNode raw, int depth) {
    byte[] bytes = raw instanceof BinaryNode b ? b.binaryValue() : null;
    if (bytes == null || bytes.length == 0) {
      return NullNode.instance;
    }
    if (ProtobufBodyDecoder.hasMagic(bytes)) {
      return ProtobufBodyDecoder.decodeEnvelope(decoder, bytes, depth + 1);
    }
    try {
      JsonNode node = Json.MAPPER.readTree(bytes);
      if (node == null || node.isMissingNode()) {
        throw new MalformedProtobufException("an embedded raw object is empty");
      }
      return node;
    } catch (IOException e) {
      throw new MalformedProtobufException("an embedded raw object is not JSON");
    }
  }
}
