package dev.flotilla.apiserver.protobuf;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** A tiny protobuf writer for tests: builds messages field by field, as Go's gogo code would. */
final class Pb {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  static Pb msg() {
    return new Pb();
  }

  /** magic + runtime.Unknown{typeMeta{apiVersion, kind}, raw}, as client-go writes a body. */
  static byte[] envelope(String apiVersion, String kind, Pb object) {
    Pb unknown =
        msg()
            .msg(1, msg().str(1, apiVersion).str(2, kind))
            .bytes(2, object.bytes())
            .str(3, "")
            .str(4, "");
    byte[] body = unknown.bytes();
    byte[] all = new byte[body.length + 4];
    all[0] = 'k';
    all[1] = '8';
    all[2] = 's';
    System.arraycopy(body, 0, all, 4, body.length);
    return all;
  }

  Pb tag(int number, int wireType) {
    return rawVarint(((long) number << 3) | wireType);
  }

  Pb rawVarint(long v) {
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
    return this;
  }

  Pb varint(int number, long v) {
    return tag(number, 0).rawVarint(v);
  }

  Pb fixed32(int number, int v) {
    tag(number, 5);
    for (int i = 0; i < 4; i++) {
      out.write(v >>> (8 * i));
    }
    return this;
  }

  Pb fixed64(int number, long v) {
    tag(number, 1);
    for (int i = 0; i < 8; i++) {
      out.write((int) (v >>> (8 * i)));
    }
    return this;
  }

  Pb bool(int number, boolean v) {
    return varint(number, v ? 1 : 0);
  }

  Pb bytes(int number, byte[] b) {
    tag(number, 2).rawVarint(b.length);
    out.writeBytes(b);
    return this;
  }

  Pb str(int number, String s) {
    return bytes(number, s.getBytes(StandardCharsets.UTF_8));
  }

  Pb msg(int number, Pb m) {
    return bytes(number, m.bytes());
  }

  /** One map<string, string> entry. */
  Pb entry(int number, String key, String value) {
    return msg(number, msg().str(1, key).str(2, value));
  }

  /** One map<string, bytes> entry. */
  Pb entry(int number, String key, byte[] value) {
    return msg(number, msg().str(1, key).bytes(2, value));
  }

  /** One map<string, Message> entry. */
  Pb entry(int number, String key, Pb value) {
    return msg(number, msg().str(1, key).msg(2, value));
  }

  byte[] bytes() {
    return out.toByteArray();
  }

  /** An intstr.IntOrString holding an int. */
  static Pb intOrString(int v) {
    return msg().varint(1, 0).varint(2, v).str(3, "");
  }

  /** An intstr.IntOrString holding a string. */
  static Pb intOrString(String v) {
    return msg().varint(1, 1).varint(2, 0).str(3, v);
  }

  /** A resource.Quantity. */
  static Pb quantity(String v) {
    return msg().str(1, v);
  }

  /** metav1.ObjectMeta as gogo writes it: every non-pointer field, zero or not. */
  static Pb objectMeta(String name, String namespace) {
    return msg()
        .str(1, name)
        .str(2, "")
        .str(3, namespace)
        .str(4, "")
        .str(5, "")
        .str(6, "")
        .varint(7, 0)
        .msg(8, msg());
  }
}
