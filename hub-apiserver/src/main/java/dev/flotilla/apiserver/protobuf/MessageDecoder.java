package dev.flotilla.apiserver.protobuf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.flotilla.apiserver.protobuf.ProtoSchema.Field;
import dev.flotilla.apiserver.protobuf.ProtoSchema.Message;
import java.math.BigInteger;
import java.util.Base64;

/**
 * Decodes one protobuf message into the JSON tree Kubernetes' JSON encoding of the same Go value
 * gives: JSON names, declaration order, embedded structs inlined, zero values of non-pointer {@code
 * omitempty} scalars left out, {@code bytes} as base64, and the hand-written types (Time, Quantity,
 * IntOrString, RawExtension, ...) converted by {@link SpecialTypes}.
 */
final class MessageDecoder {
  /** Real objects nest a few dozen messages deep at most; more is an attack on the stack. */
  static final int MAX_DEPTH = 200;

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final ProtoSchema schema;

  MessageDecoder(ProtoSchema schema) {
    this.schema = schema;
  }

  JsonNode decode(String fqn, WireReader in, int depth) {
    if (depth > MAX_DEPTH) {
      throw new MalformedProtobufException("messages nested more than " + MAX_DEPTH + " deep");
    }
    Message m = schema.message(fqn);
    JsonNode[] values = new JsonNode[m.fields().size()];
    while (in.hasMore()) {
      int tag = in.readTag();
      int wireType = tag & 7;
      Field f = m.byNumber().get(tag >>> 3);
      if (f == null) {
        in.skip(wireType);
      } else if (f.isMap()) {
        ObjectNode map = values[f.index()] instanceof ObjectNode o ? o : NODES.objectNode();
        values[f.index()] = map;
        readMapEntry(f, expect(f, wireType, WireReader.LENGTH_DELIMITED, in), map, depth);
      } else if (f.repeated()) {
        ArrayNode list = values[f.index()] instanceof ArrayNode a ? a : NODES.arrayNode();
        values[f.index()] = list;
        int scalarWire = scalarWireType(f.type());
        if (wireType == WireReader.LENGTH_DELIMITED
            && scalarWire != WireReader.LENGTH_DELIMITED
            && scalarWire >= 0) {
          WireReader packed = in.readEmbedded();
          while (packed.hasMore()) {
            list.add(output(scalar(f.type(), scalarWire, packed, f)));
          }
        } else {
          list.add(output(value(f, f.type(), wireType, in, depth)));
        }
      } else {
        values[f.index()] = value(f, f.type(), wireType, in, depth);
      }
    }
    JsonNode special = SpecialTypes.convert(this, m, values, depth);
    if (special != null) {
      return special;
    }
    if (m.list()) {
      JsonNode items = m.fields().isEmpty() ? null : values[0];
      return items instanceof ArrayNode ? items : NODES.arrayNode();
    }
    return emit(m, values);
  }

  /** Decodes a whole slice as a message of type fqn (e.g. a RawExtension's nested object). */
  JsonNode decode(String fqn, byte[] bytes, int depth) {
    return decode(fqn, new WireReader(bytes), depth);
  }

  private ObjectNode emit(Message m, JsonNode[] values) {
    ObjectNode out = NODES.objectNode();
    for (Field f : m.fields()) {
      JsonNode v = values[f.index()];
      if (v == null || (f.repeated() && v.isEmpty() && v.isContainerNode())) {
        continue;
      }
      if (f.inline() && v.isObject()) {
        out.setAll((ObjectNode) v);
        continue;
      }
      if (!f.repeated() && isScalar(f.type()) && f.omitEmpty() && !f.pointer() && isZero(v)) {
        continue;
      }
      out.set(f.name(), output(v));
    }
    return out;
  }

  private void readMapEntry(Field f, WireReader entry, ObjectNode map, int depth) {
    JsonNode key = null;
    JsonNode value = null;
    while (entry.hasMore()) {
      int tag = entry.readTag();
      int number = tag >>> 3;
      if (number == 1) {
        key = scalar(f.mapKey(), tag & 7, entry, f);
      } else if (number == 2) {
        value = value(f, f.mapValue(), tag & 7, entry, depth);
      } else {
        entry.skip(tag & 7);
      }
    }
    if (key == null) {
      key = zero(f.mapKey());
    }
    if (value == null) {
      value =
          isScalar(f.mapValue())
              ? zero(f.mapValue())
              : decode(f.mapValue(), new byte[0], depth + 1);
    }
    map.set(key.isBinary() ? output(key).asText() : key.asText(), output(value));
  }

  private JsonNode value(Field f, String type, int wireType, WireReader in, int depth) {
    if (isScalar(type)) {
      return scalar(type, wireType, in, f);
    }
    return decode(type, expect(f, wireType, WireReader.LENGTH_DELIMITED, in), depth + 1);
  }

  private static WireReader expect(Field f, int wireType, int wanted, WireReader in) {
    if (wireType != wanted) {
      throw wrongWireType(f, wireType);
    }
    return in.readEmbedded();
  }

  private static JsonNode scalar(String type, int wireType, WireReader in, Field f) {
    int wanted = scalarWireType(type);
    if (wireType != wanted) {
      throw wrongWireType(f, wireType);
    }
    return switch (type) {
      case "string" -> TextNode.valueOf(in.readString());
      case "bytes" -> BinaryNode.valueOf(in.readBytes());
      case "bool" -> BooleanNode.valueOf(in.readVarint() != 0);
      case "int32" -> IntNode.valueOf((int) in.readVarint());
      case "int64" -> number(in.readVarint());
      case "uint32" -> number(in.readVarint() & 0xFFFFFFFFL);
      case "uint64" -> unsigned(in.readVarint());
      case "sint32" -> {
        int n = (int) in.readVarint();
        yield IntNode.valueOf((n >>> 1) ^ -(n & 1));
      }
      case "sint64" -> {
        long n = in.readVarint();
        yield number((n >>> 1) ^ -(n & 1));
      }
      case "fixed32" -> number(in.readFixed32() & 0xFFFFFFFFL);
      case "sfixed32" -> IntNode.valueOf(in.readFixed32());
      case "fixed64" -> unsigned(in.readFixed64());
      case "sfixed64" -> number(in.readFixed64());
      case "float" -> finite(Float.intBitsToFloat(in.readFixed32()), f);
      case "double" -> finite(Double.longBitsToDouble(in.readFixed64()), f);
      default -> throw new MalformedProtobufException("unsupported scalar type " + type);
    };
  }

  /** The wire type a scalar is written with, -1 for message types. */
  static int scalarWireType(String type) {
    return switch (type) {
      case "string", "bytes" -> WireReader.LENGTH_DELIMITED;
      case "bool", "int32", "int64", "uint32", "uint64", "sint32", "sint64" -> WireReader.VARINT;
      case "fixed32", "sfixed32", "float" -> WireReader.FIXED32;
      case "fixed64", "sfixed64", "double" -> WireReader.FIXED64;
      default -> -1;
    };
  }

  static boolean isScalar(String type) {
    return type != null && scalarWireType(type) >= 0;
  }

  /** Numbers as Jackson would parse them from JSON: int when it fits, long otherwise. */
  static JsonNode number(long v) {
    return v == (int) v ? IntNode.valueOf((int) v) : LongNode.valueOf(v);
  }

  private static JsonNode unsigned(long v) {
    return v >= 0 ? number(v) : BigIntegerNode.valueOf(new BigInteger(Long.toUnsignedString(v)));
  }

  private static JsonNode finite(double v, Field f) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      throw new MalformedProtobufException(
          "field " + f.name() + " is " + v + ", which JSON cannot carry");
    }
    return DoubleNode.valueOf(v);
  }

  private static JsonNode zero(String scalarType) {
    return switch (scalarType) {
      case "string", "bytes" -> TextNode.valueOf("");
      case "bool" -> BooleanNode.FALSE;
      case "float", "double" -> DoubleNode.valueOf(0);
      default -> IntNode.valueOf(0);
    };
  }

  private static boolean isZero(JsonNode v) {
    if (v.isTextual()) {
      return v.asText().isEmpty();
    }
    if (v.isBinary()) {
      return ((BinaryNode) v).binaryValue().length == 0;
    }
    if (v.isBoolean()) {
      return !v.booleanValue();
    }
    if (v.isIntegralNumber()) {
      return v.bigIntegerValue().signum() == 0;
    }
    return v.isNumber() && v.doubleValue() == 0;
  }

  /** Bytes leave the decoder as base64 text, as Go's encoding/json writes []byte. */
  static JsonNode output(JsonNode v) {
    if (v instanceof BinaryNode b) {
      return TextNode.valueOf(Base64.getEncoder().encodeToString(b.binaryValue()));
    }
    return v;
  }

  private static MalformedProtobufException wrongWireType(Field f, int wireType) {
    return new MalformedProtobufException(
        "field "
            + f.name()
            + " ("
            + f.number()
            + ") has wire type "
            + wireType
            + ", which does not fit its type "
            + (f.isMap() ? "map" : f.type()));
  }
}
