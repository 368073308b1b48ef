package dev.flotilla.apiserver.selection;

import java.util.ArrayList;
import java.util.List;

/** Kubernetes label key and value syntax checks, with upstream's (apimachinery) error wording. */
public final class LabelValidation {
  /** The name part of a qualified name, and the non-empty form of a label value. */
  static final String NAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";

  static final String DNS1123_FMT =
      "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
  private static final int MAX_NAME = 63;
  private static final int MAX_PREFIX = 253;

  private LabelValidation() {}

  /**
   * Whether {@code s} matches {@link #NAME_FMT} whole. Scanned by hand: every label and annotation
   * key of every write is checked, and the regex engine was 4% of the hub's CPU in a burst of Work
   * writes. {@code LabelValidationTest} holds it to the regex.
   */
  static boolean isName(String s) {
    int n = s.length();
    if (n == 0 || !alphanumeric(s.charAt(0)) || !alphanumeric(s.charAt(n - 1))) {
      return false;
    }
    for (int i = 1; i < n - 1; i++) {
      char c = s.charAt(i);
      if (!alphanumeric(c) && c != '-' && c != '_' && c != '.') {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code s} matches {@link #DNS1123_FMT} whole (dot-separated lowercase labels). */
  static boolean isDns1123Subdomain(String s) {
    int start = 0;
    int n = s.length();
    while (true) {
      int end = s.indexOf('.', start);
      if (end < 0) {
        end = n;
      }
      if (!isDns1123Label(s, start, end)) {
        return false;
      }
      if (end == n) {
        return true;
      }
      start = end + 1;
    }
  }

  private static boolean isDns1123Label(String s, int from, int to) {
    if (to <= from || !lowerAlphanumeric(s.charAt(from)) || !lowerAlphanumeric(s.charAt(to - 1))) {
      return false;
    }
    for (int i = from + 1; i < to - 1; i++) {
      char c = s.charAt(i);
      if (!lowerAlphanumeric(c) && c != '-') {
        return false;
      }
    }
    return true;
  }

  private static boolean alphanumeric(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  private static boolean lowerAlphanumeric(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  }

  /** Problems with a label key ("prefix/name" or "name"); empty when the key is valid. */
  public static List<String> keyErrors(String key) {
    List<String> errors = new ArrayList<>();
    String[] parts = key.split("/", -1);
    String name;
    if (parts.length == 1) {
      name = parts[0];
    } else if (parts.length == 2) {
      String prefix = parts[0];
      name = parts[1];
      if (prefix.isEmpty()) {
        errors.add("prefix part must be non-empty");
      } else {
        if (prefix.length() > MAX_PREFIX) {
          errors.add("prefix part must be no more than " + MAX_PREFIX + " characters");
        }
        if (!isDns1123Subdomain(prefix)) {
          errors.add(
              "prefix part a lowercase RFC 1123 subdomain must consist of lower case"
                  + " alphanumeric characters, '-' or '.', and must start and end with an alphanumeric"
                  + " character (e.g. 'example.com', regex used for validation is '"
                  + DNS1123_FMT
                  + "')");
        }
      }
    } else {
      errors.add(
          "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and"
              + " must start and end with an alphanumeric character (e.g. 'MyName', or 'my.name', or"
              + " '123-abc', regex used for validation is '"
              + NAME_FMT
              + "') with an optional DNS"
              + " subdomain prefix and '/' (e.g. 'example.com/MyName')");
      return errors;
    }
    if (name.isEmpty()) {
      errors.add("name part must be non-empty");
    } else {
      if (name.length() > MAX_NAME) {
        errors.add("name part must be no more than " + MAX_NAME + " characters");
      }
      if (!isName(name)) {
        errors.add(
            "name part must consist of alphanumeric characters, '-', '_' or '.', and must"
                + " start and end with an alphanumeric character (e.g. 'MyName', or 'my.name', or"
                + " '123-abc', regex used for validation is '"
                + NAME_FMT
                + "')");
      }
    }
    return errors;
  }

  /** Problems with a label value (empty is allowed); empty when the value is valid. */
  public static List<String> valueErrors(String value) {
    List<String> errors = new ArrayList<>();
    if (value.length() > MAX_NAME) {
      errors.add("must be no more than " + MAX_NAME + " characters");
    }
    if (!value.isEmpty() && !isName(value)) {
      errors.add(
          "a valid label must be an empty string or consist of alphanumeric characters,"
              + " '-', '_' or '.', and must start and end with an alphanumeric character (e.g."
              + " 'MyValue', or 'my_value', or '12345', regex used for validation is '("
              + NAME_FMT
              + ")?')");
    }
    return errors;
  }

  /** Throws a {@link SelectorParseException} naming the key when it is not a valid label key. */
  static void checkKey(String key, String context) {
    List<String> errors = keyErrors(key);
    if (!errors.isEmpty()) {
      throw new SelectorParseException(
          context + "invalid label key \"" + key + "\": " + String.join("; ", errors));
    }
  }

  /** Throws a {@link SelectorParseException} naming key and value when the value is invalid. */
  static void checkValue(String key, String value, String context) {
    List<String> errors = valueErrors(value);
    if (!errors.isEmpty()) {
      throw new SelectorParseException(
          context
              + "invalid label value: \""
              + value
              + "\": at key: \""
              + key
              + "\": "
              + String.join("; ", errors));
    }
  }
}
