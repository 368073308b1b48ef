package dev.flotilla.apiserver.objects;

import com.google.re2j.Pattern;
import java.util.ArrayList;
import java.util.List;

/** Kubernetes object-name rules (DNS-1123 subdomain and label), with upstream's messages. */
public final class NameValidation {
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  private NameValidation() {}

  /** Problems with {@code name} as an object name; namespaces and some kinds need a label. */
  public static List<String> check(String name, boolean labelOnly) {
    List<String> problems = new ArrayList<>();
    if (labelOnly) {
      if (name.length() > 63) {
        problems.add("must be no more than 63 characters");
      }
      if (!LABEL.matcher(name).matches()) {
        problems.add(
            "a lowercase RFC 1123 label must consist of lower case alphanumeric"
                + " characters or '-', and must start and end with an alphanumeric character"
                + " (e.g. 'my-name',  or '123-abc')");
      }
    } else {
      if (name.length() > 253) {
        problems.add("must be no more than 253 characters");
      }
      if (!SUBDOMAIN.matcher(name).matches()) {
        problems.add(
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric"
                + " characters, '-' or '.', and must start and end with an alphanumeric character"
                + " (e.g. 'example.com')");
      }
    }
    return problems;
  }

  /** Upstream's IsValidPathSegmentName, the only rule for RBAC object names. */
  public static List<String> pathSegment(String name) {
    List<String> problems = new ArrayList<>();
    if (name.equals(".") || name.equals("..")) {
      problems.add("may not be '" + name + "'");
    }
    for (String bad : List.of("/", "%")) {
      if (name.contains(bad)) {
        problems.add("may not contain '" + bad + "'");
      }
    }
    return problems;
  }
}
