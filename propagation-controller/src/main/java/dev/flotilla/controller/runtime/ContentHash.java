package dev.flotilla.controller.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A 128-bit hash of a JSON value (SHA-256, truncated), equal for values {@link Trees#same} calls
 * equal: numbers by value, object members in any order. It hashes a Jackson tree and the plain
 * maps, lists and scalars fabric8 decodes an object's unknown fields into alike, so what a
 * controller computes (a tree) compares with what it cached (a hash of the decoded object) without
 * keeping the object.
 */
public final class ContentHash {
  private static final byte NULL = 0;
  private static final byte FALSE = 1;
  private static final byte TRUE = 2;
  private static final byte NUMBER = 3;
  private static final byte STRING = 4;
  private static final byte ARRAY = 5;
  private static final byte OBJECT = 6;

  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("every JRE has SHA-256", e);
            }
          });

  /** The two halves of a hash. */
  public record Hash(long high, long low) {}

  private ContentHash() {}

  /** The hash of a tree; a missing node hashes as null. */
  public static Hash of(JsonNode value) {
    MessageDigest md = SHA256.get();
    md.reset();
    tree(md, value);
    return finish(md);
  }

  /** The hash of a decoded value: maps, lists, strings, numbers, booleans and null. */
  public static Hash ofPlain(Object value) {
    MessageDigest md = SHA256.get();
    md.reset();
    plain(md, value);
    return finish(md);
  }

  /** A 64-bit hash of a string pair (a label or annotation, with a tag telling which). */
  public static long ofEntry(char tag, String key, String value) {
    MessageDigest md = SHA256.get();
    md.reset();
    md.update((byte) tag);
    string(md, key);
    if (value == null) {
      md.update(NULL);
    } else {
      string(md, value);
    }
    return ByteBuffer.wrap(md.digest()).getLong();
  }

  private static Hash finish(MessageDigest md) {
    ByteBuffer b = ByteBuffer.wrap(md.digest());
    return new Hash(b.getLong(), b.getLong());
  }

  private static void tree(MessageDigest md, JsonNode n) {
    if (n == null || n.isMissingNode() || n.isNull()) {
      md.update(NULL);
    } else if (n.isBoolean()) {
      md.update(n.booleanValue() ? TRUE : FALSE);
    } else if (n.isNumber()) {
      number(md, n.isIntegralNumber() ? new BigDecimal(n.bigIntegerValue()) : decimal(n));
    } else if (n.isTextual()) {
      md.update(STRING);
      string(md, n.textValue());
    } else if (n.isArray()) {
      md.update(ARRAY);
      count(md, n.size());
      for (JsonNode e : n) {
        tree(md, e);
      }
    } else if (n.isObject()) {
      md.update(OBJECT);
      count(md, n.size());
      List<String> names = new ArrayList<>(n.size());
      n.fieldNames().forEachRemaining(names::add);
      names.sort(null);
      for (String name : names) {
        string(md, name);
        tree(md, n.get(name));
      }
    } else {
      // Binary and POJO nodes do not occur in trees parsed from JSON; hash their text.
      md.update(STRING);
      string(md, n.asText());
    }
  }

  private static BigDecimal decimal(JsonNode n) {
    try {
      return n.decimalValue();
    } catch (NumberFormatException e) { // NaN or infinite: not JSON, but never a crash
      return BigDecimal.valueOf(Long.MIN_VALUE);
    }
  }

  private static void plain(MessageDigest md, Object v) {
    if (v == null) {
      md.update(NULL);
    } else if (v instanceof Boolean b) {
      md.update(b ? TRUE : FALSE);
    } else if (v instanceof Number n) {
      number(md, plainDecimal(n));
    } else if (v instanceof CharSequence s) {
      md.update(STRING);
      string(md, s.toString());
    } else if (v instanceof List<?> list) {
      md.update(ARRAY);
      count(md, list.size());
      for (Object e : list) {
        plain(md, e);
      }
    } else if (v instanceof Map<?, ?> map) {
      md.update(OBJECT);
      count(md, map.size());
      List<String> names = new ArrayList<>(map.size());
      for (Iterator<?> it = map.keySet().iterator(); it.hasNext(); ) {
        names.add(String.valueOf(it.next()));
      }
      names.sort(null);
      for (String name : names) {
        string(md, name);
        plain(md, map.get(name));
      }
    } else if (v instanceof JsonNode n) {
      tree(md, n);
    } else {
      // A typed value (fabric8 decodes unknown fields into plain values only): hash its JSON form.
      tree(md, Trees.MAPPER.valueToTree(v));
    }
  }

  private static BigDecimal plainDecimal(Number n) {
    if (n instanceof BigDecimal d) {
      return d;
    }
    if (n instanceof BigInteger i) {
      return new BigDecimal(i);
    }
    if (n instanceof Double || n instanceof Float) {
      double d = n.doubleValue();
      return Double.isFinite(d) ? BigDecimal.valueOf(d) : BigDecimal.valueOf(Long.MIN_VALUE);
    }
    return BigDecimal.valueOf(n.longValue());
  }

  /** One form per value: 3, 3.0 and 3.00 hash alike, as Trees.same compares them. */
  private static void number(MessageDigest md, BigDecimal d) {
    md.update(NUMBER);
    string(md, d.signum() == 0 ? "0" : d.stripTrailingZeros().toString());
  }

  private static void string(MessageDigest md, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    count(md, bytes.length);
    md.update(bytes);
  }

  private static void count(MessageDigest md, int n) {
    md.update((byte) (n >>> 24));
    md.update((byte) (n >>> 16));
    md.update((byte) (n >>> 8));
    md.update((byte) n);
  }
}
