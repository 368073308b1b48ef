package dev.flotilla.apiserver.protobuf;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes one protobuf message in the wire format, field by field: strings, booleans and nested
 * messages, which is all the documents this server encodes need. Like proto3 encoders, it leaves
 * out empty strings and false booleans, so decoders see their defaults. The encoding side of {@link
 * WireReader}.
 */
public final class ProtoWriter {
  private static final int VARINT = 0;
  private static final int LENGTH_DELIMITED = 2;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /** A string field; skipped when null or empty (the proto3 default). */
  public ProtoWriter string(int field, String value) {
    if (value != null && !value.isEmpty()) {
      lengthDelimited(field, value.getBytes(StandardCharsets.UTF_8));
    }
    return this;
  }

  /** A bool field; skipped when false (the proto3 default). */
  public ProtoWriter bool(int field, boolean value) {
    if (value) {
      tag(field, VARINT);
      varint(1);
    }
    return this;
  }

  /** A nested message field, written even when empty so a set oneof stays set. */
  public ProtoWriter message(int field, ProtoWriter message) {
    return lengthDelimited(field, message.toByteArray());
  }

  /** The encoded message. */
  public byte[] toByteArray() {
    return out.toByteArray();
  }

  private ProtoWriter lengthDelimited(int field, byte[] bytes) {
    tag(field, LENGTH_DELIMITED);
    varint(bytes.length);
    out.write(bytes, 0, bytes.length);
    return this;
  }

  private void tag(int field, int wireType) {
    if (field < 1 || field > 0x1FFFFFFF) {
      throw new IllegalArgumentException("invalid protobuf field number " + field);
    }
    varint(((long) field << 3) | wireType);
  }

  private void varint(long value) {
    long v = value;
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }
}
