package dev.flotilla.policies.override;

import java.util.ArrayList;
import java.util.List;

/**
 * RFC 6901 JSON pointers: "/spec/template/metadata/labels/app~1name" into its unescaped reference
 * tokens.
 */
final class JsonPointer {

  private JsonPointer() {}

  /** The tokens of {@code pointer}; "" is the whole document (no tokens). */
  static List<String> parse(String pointer) {
    List<String> tokens = new ArrayList<>();
    if (pointer.isEmpty()) {
      return tokens;
    }
    if (!pointer.startsWith("/")) {
      throw new OverrideException("JSON pointer must start with '/': " + pointer);
    }
    for (String raw : pointer.substring(1).split("/", -1)) {
      // Order matters: "~01" is "~1" literally, not "/".
      tokens.add(raw.replace("~1", "/").replace("~0", "~"));
    }
    return tokens;
  }

  /** Escapes one token ("a/b" becomes "a~1b"). */
  static String escape(String token) {
    return token.replace("~", "~0").replace("/", "~1");
  }
}
