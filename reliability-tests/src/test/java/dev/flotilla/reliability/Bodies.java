package dev.flotilla.reliability;

import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/**
 * Request bodies that are bad for every kind and every write: broken syntax, or an object whose
 * metadata no object may have, encoded for the request's content type (an object, a JSON patch that
 * writes the same poison, protobuf's envelope around it, DeleteOptions that must fail).
 */
final class Bodies {
  /** Where the poison goes (a JSON pointer) and what it is (JSON text). */
  private static final List<String[]> POISONS =
      List.of(
          new String[] {"/metadata", "\"x\""},
          new String[] {"/metadata/name", "5"},
          new String[] {"/metadata/name", "\"Bad_Name!\""},
          new String[] {"/metadata/namespace", "[]"},
          new String[] {"/metadata/ownerReferences", "\"x\""},
          new String[] {"/metadata/ownerReferences", "[{\"name\":5}]"},
          new String[] {"/metadata/labels", "{\"a\":5}"},
          new String[] {"/metadata/labels", "{\"bad key!\":\"v\"}"},
          new String[] {"/metadata/labels", "{\"k\":\"" + "v".repeat(100) + "\"}"},
          new String[] {"/metadata/annotations", "[]"},
          new String[] {"/metadata/finalizers", "\"x\""},
          new String[] {"/metadata/generation", "1e99999"},
          new String[] {"/metadata/generation", "123456789012345678901234567890"},
          new String[] {"/metadata/creationTimestamp", "\"yesterday\""},
          new String[] {"/metadata/uid", "7"},
          new String[] {"/metadata/managedFields", "\"x\""},
          new String[] {"/metadata/deletionGracePeriodSeconds", "\"x\""});

  /** DeleteOptions a server must refuse (and so delete nothing). */
  private static final List<String> DELETE_POISONS =
      List.of(
          "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"propagationPolicy\":\"Bogus\"}",
          "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"gracePeriodSeconds\":\"x\"}",
          "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"dryRun\":[\"Nope\"]}",
          "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"orphanDependents\":\"x\"}",
          "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"preconditions\":"
              + "{\"uid\":\"00000000-0000-0000-0000-000000000000\"}}",
          "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"preconditions\":"
              + "{\"resourceVersion\":\"1\"}}",
          "{\"kind\":\"Pod\",\"apiVersion\":\"v1\"}");

  /** One generated body, encoded once the content type is known. */
  interface Body {
    byte[] encoded(String contentType, boolean delete);
  }

  private Bodies() {}

  static Arbitrary<Body> poisoned() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(8, poison()),
        net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(1, 400).map(Bodies::truncated)),
        net.jqwik.api.Tuple.of(
            2, Arbitraries.bytes().array(byte[].class).ofMaxSize(300).map(Bodies::noise)),
        net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(150, 5000).map(Bodies::deep)),
        net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(3, 9).map(Bodies::laughs)));
  }

  private static Arbitrary<Body> poison() {
    return Arbitraries.of(POISONS)
        .flatMap(
            p ->
                Arbitraries.of(DELETE_POISONS)
                    .map(d -> (type, delete) -> delete ? utf8(d) : encode(p[0], p[1], type)));
  }

  private static byte[] encode(String pointer, String value, String type) {
    if (type.startsWith("application/json-patch")) {
      return utf8("[{\"op\":\"add\",\"path\":\"" + pointer + "\",\"value\":" + value + "}]");
    }
    String object = object(pointer, value);
    if (type.contains("protobuf")) {
      // The envelope's magic number with a body that is not a serialized Unknown.
      return concat(new byte[] {'k', '8', 's', 0}, utf8(object));
    }
    return utf8(object); // JSON is YAML too
  }

  /** A ConfigMap named cm-0 with the poison written at {@code pointer}. */
  private static String object(String pointer, String value) {
    String[] parts = pointer.substring(1).split("/");
    String meta =
        parts.length == 1
            ? value
            : "{\"name\":\"cm-0\",\"namespace\":\""
                + BadRequests.NS
                + "\","
                + (parts[1].equals("name") || parts[1].equals("namespace")
                    ? "\"labels\":{}"
                    : "\"annotations\":{}")
                + ",\""
                + parts[1]
                + "\":"
                + value
                + "}";
    return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":" + meta + "}";
  }

  private static Body truncated(int cut) {
    String whole = object("/metadata/labels", "{\"a\":\"b\"}");
    String part = whole.substring(0, Math.min(cut, whole.length() - 1));
    return (type, delete) -> utf8(part);
  }

  private static Body noise(byte[] bytes) {
    // Led by a byte that is never UTF-8, so the noise is never a valid document by chance.
    return (type, delete) -> concat(new byte[] {(byte) 0xff}, bytes);
  }

  private static Body deep(int depth) {
    String nested = "[".repeat(depth) + "]".repeat(depth);
    // As a DELETE's body the nesting sits in a typed field: a DeleteOptions that only carries
    // unknown fields is a valid deletecollection upstream, which empties the namespace.
    return (type, delete) ->
        utf8(
            delete
                ? "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"preconditions\":"
                    + nested
                    + "}"
                : "{\"metadata\":{\"name\":\"cm-0\",\"labels\":" + nested + "}}");
  }

  /** YAML aliases that expand 9^levels times, around metadata no object may have. */
  private static Body laughs(int levels) {
    StringBuilder y = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
    for (int i = 1; i < levels; i++) {
      y.append("a").append(i).append(": &a").append(i).append(" [");
      y.append(String.join(", ", java.util.Collections.nCopies(9, "*a" + (i - 1))));
      y.append("]\n");
    }
    String object = y + "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: 5}\n";
    // A DELETE gets the expansion in a typed DeleteOptions field (see deep).
    String options =
        y + "kind: DeleteOptions\napiVersion: v1\npreconditions: *a" + (levels - 1) + "\n";
    return (type, delete) -> utf8(delete ? options : object);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
