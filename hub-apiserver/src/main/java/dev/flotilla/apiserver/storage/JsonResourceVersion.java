package dev.flotilla.apiserver.storage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Sets {@code metadata.resourceVersion} of a Kubernetes object in JSON. A stored object already has
 * that field (the hub encodes it at revision 0 before the store assigns one), so its string is
 * replaced in the bytes, found by one scan that follows the JSON's structure; parsing and writing
 * the whole tree again cost a create about a tenth of the hub's CPU, and on SQLite it ran on the
 * one thread that commits every write. Anything the scan does not recognise goes the tree's way.
 */
public final class JsonResourceVersion {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final byte[] METADATA = "metadata".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] RESOURCE_VERSION =
      "resourceVersion".getBytes(StandardCharsets.US_ASCII);

  private JsonResourceVersion() {}

  /** {@code stored} as it reads at {@code revision}. */
  public static byte[] at(byte[] stored, long revision) {
    byte[] spliced = splice(stored, revision);
    return spliced != null ? spliced : viaTree(stored, revision);
  }

  /** The bytes with the value of metadata.resourceVersion replaced; null when not found as such. */
  static byte[] splice(byte[] json, long revision) {
    try {
      Scan s = new Scan(json);
      int metadata = s.member(s.objectStart(0), METADATA);
      if (metadata < 0 || s.skipSpace(metadata) >= json.length || json[s.pos] != '{') {
        return null;
      }
      int value = s.member(s.objectStart(s.pos), RESOURCE_VERSION);
      if (value < 0 || s.skipSpace(value) >= json.length || json[s.pos] != '"') {
        return null;
      }
      int from = s.pos + 1;
      int to = s.endOfString(s.pos) - 1; // the closing quote
      byte[] digits = Long.toString(revision).getBytes(StandardCharsets.US_ASCII);
      byte[] out = new byte[json.length - (to - from) + digits.length];
      System.arraycopy(json, 0, out, 0, from);
      System.arraycopy(digits, 0, out, from, digits.length);
      System.arraycopy(json, to, out, from + digits.length, json.length - to);
      return out;
    } catch (ArrayIndexOutOfBoundsException | IllegalArgumentException e) {
      return null; // truncated or not what we write: the tree's way decides
    }
  }

  private static byte[] viaTree(byte[] stored, long revision) {
    try {
      if (!(MAPPER.readTree(stored) instanceof ObjectNode obj)) {
        return stored;
      }
      if (obj.get("metadata") instanceof ObjectNode meta) {
        meta.put("resourceVersion", Long.toString(revision));
        return MAPPER.writeValueAsBytes(obj);
      }
      return stored;
    } catch (IOException e) {
      return stored; // not an object of ours: read it as it is
    }
  }

  /** A cursor over JSON bytes that skips values without building them. */
  private static final class Scan {
    private final byte[] b;
    private int pos;

    Scan(byte[] b) {
      this.b = b;
    }

    int skipSpace(int at) {
      pos = at;
      while (pos < b.length
          && (b[pos] == ' ' || b[pos] == '\n' || b[pos] == '\r' || b[pos] == '\t')) {
        pos++;
      }
      return pos;
    }

    /** The position after the '{' of the object starting at {@code at}. */
    int objectStart(int at) {
      if (b[skipSpace(at)] != '{') {
        throw new IllegalArgumentException("not an object");
      }
      return pos + 1;
    }

    /**
     * Walks the members of the object whose first member starts at {@code at}; the position of the
     * value of the member named {@code name}, or -1 when the object has none.
     */
    int member(int at, byte[] name) {
      int p = skipSpace(at);
      if (b[p] == '}') {
        return -1;
      }
      while (true) {
        if (b[skipSpace(p)] != '"') {
          throw new IllegalArgumentException("not a member name");
        }
        int nameStart = pos + 1;
        int nameEnd = endOfString(pos) - 1;
        if (b[skipSpace(nameEnd + 1)] != ':') {
          throw new IllegalArgumentException("no colon");
        }
        int valueAt = pos + 1;
        if (sameBytes(nameStart, nameEnd, name)) {
          return valueAt;
        }
        p = skipSpace(endOfValue(valueAt));
        if (b[p] == '}') {
          return -1;
        }
        if (b[p] != ',') {
          throw new IllegalArgumentException("no comma");
        }
        p++;
      }
    }

    /** The position after the string whose opening quote is at {@code at}. */
    int endOfString(int at) {
      int p = at + 1;
      while (b[p] != '"') {
        p += b[p] == '\\' ? 2 : 1;
      }
      return p + 1;
    }

    /** The position after the value starting at {@code at}. */
    int endOfValue(int at) {
      int p = skipSpace(at);
      if (b[p] == '"') {
        return endOfString(p);
      }
      if (b[p] != '{' && b[p] != '[') {
        while (b[p] != ',' && b[p] != '}' && b[p] != ']') {
          p++; // a number, true, false or null
        }
        return p;
      }
      int depth = 0;
      while (true) {
        byte c = b[p];
        if (c == '"') {
          p = endOfString(p);
          continue;
        }
        if (c == '{' || c == '[') {
          depth++;
        } else if ((c == '}' || c == ']') && --depth == 0) {
          return p + 1;
        }
        p++;
      }
    }

    private boolean sameBytes(int from, int to, byte[] name) {
      if (to - from != name.length) {
        return false;
      }
      for (int i = 0; i < name.length; i++) {
        if (b[from + i] != name[i]) {
          return false;
        }
      }
      return true;
    }
  }
}
