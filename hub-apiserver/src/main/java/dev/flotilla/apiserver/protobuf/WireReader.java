package dev.flotilla.apiserver.protobuf;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the protobuf wire format from one bounded slice of a byte array: varints, fixed-width
 * values and length-delimited fields. Every read is checked against the slice's end, so hostile
 * input fails with {@link MalformedProtobufException}, never an index error or a huge allocation.
 */
final class WireReader {
  static final int VARINT = 0;
  static final int FIXED64 = 1;
  static final int LENGTH_DELIMITED = 2;
  static final int FIXED32 = 5;

  private final byte[] buf;
  private int pos;
  private final int limit;

  WireReader(byte[] buf, int offset, int length) {
    if (offset < 0 || length < 0 || offset > buf.length - length) {
      throw new MalformedProtobufException("slice out of bounds");
    }
    this.buf = buf;
    this.pos = offset;
    this.limit = offset + length;
  }

  WireReader(byte[] buf) {
    this(buf, 0, buf.length);
  }

  boolean hasMore() {
    return pos < limit;
  }

  /** A field tag; its field number is {@code tag >>> 3}, its wire type {@code tag & 7}. */
  int readTag() {
    long tag = readVarint();
    if (tag < 8 || tag > 0xFFFFFFFFL) {
      throw new MalformedProtobufException("invalid field tag " + Long.toUnsignedString(tag));
    }
    int wireType = (int) (tag & 7);
    if (wireType == 3 || wireType == 4) {
      throw new MalformedProtobufException(
          "group fields are not supported (field " + (tag >>> 3) + ")");
    }
    if (wireType > 5) {
      throw new MalformedProtobufException(
          "invalid wire type " + wireType + " for field " + (tag >>> 3));
    }
    return (int) tag;
  }

  long readVarint() {
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos >= limit) {
        throw new MalformedProtobufException("truncated varint");
      }
      byte b = buf[pos++];
      if (shift == 63 && (b & 0xFE) != 0) {
        throw new MalformedProtobufException("varint longer than 64 bits");
      }
      result |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        return result;
      }
    }
    throw new MalformedProtobufException("varint longer than 10 bytes");
  }

  int readFixed32() {
    require(4, "fixed32");
    int v =
        (buf[pos] & 0xFF)
            | (buf[pos + 1] & 0xFF) << 8
            | (buf[pos + 2] & 0xFF) << 16
            | (buf[pos + 3] & 0xFF) << 24;
    pos += 4;
    return v;
  }

  long readFixed64() {
    long lo = readFixed32() & 0xFFFFFFFFL;
    long hi = readFixed32() & 0xFFFFFFFFL;
    return lo | hi << 32;
  }

  /** The length prefix of a length-delimited field, checked against the bytes that remain. */
  int readLength() {
    long len = readVarint();
    if (len < 0 || len > limit - pos) {
      throw new MalformedProtobufException(
          "length "
              + Long.toUnsignedString(len)
              + " runs past the end of its message ("
              + (limit - pos)
              + " bytes left)");
    }
    return (int) len;
  }

  /** A reader over the next length-delimited field's contents; this reader moves past it. */
  WireReader readEmbedded() {
    int len = readLength();
    WireReader sub = new WireReader(buf, pos, len);
    pos += len;
    return sub;
  }

  byte[] readBytes() {
    int len = readLength();
    byte[] out = Arrays.copyOfRange(buf, pos, pos + len);
    pos += len;
    return out;
  }

  String readString() {
    int len = readLength();
    String s = new String(buf, pos, len, StandardCharsets.UTF_8);
    pos += len;
    return s;
  }

  /** The rest of this slice as bytes. */
  byte[] remaining() {
    byte[] out = Arrays.copyOfRange(buf, pos, limit);
    pos = limit;
    return out;
  }

  /** The rest of this slice as UTF-8 text. */
  String stringValue() {
    return new String(remaining(), StandardCharsets.UTF_8);
  }

  /** Skips one field's value of the given wire type (an unknown field). */
  void skip(int wireType) {
    switch (wireType) {
      case VARINT -> readVarint();
      case FIXED64 -> {
        require(8, "fixed64");
        pos += 8;
      }
      case LENGTH_DELIMITED -> {
        int len = readLength(); // not "pos += readLength()": that reads pos before the length
        pos += len;
      }
      case FIXED32 -> {
        require(4, "fixed32");
        pos += 4;
      }
      default -> throw new MalformedProtobufException("cannot skip wire type " + wireType);
    }
  }

  private void require(int n, String what) {
    if (limit - pos < n) {
      throw new MalformedProtobufException("truncated " + what);
    }
  }
}
