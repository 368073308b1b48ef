package dev.flotilla.apiserver.rbac;

import java.util.List;

/**
 * Whether one PolicyRule allows a request, with upstream RBAC's matching: {@code *} matches any
 * verb, group or resource; {@code * /status}-style resources match that subresource of every
 * resource; resourceNames restrict to named objects (so never match a nameless list or create);
 * non-resource URLs match exactly or by a prefix ending in {@code *}.
 */
public final class RuleMatch {
  private RuleMatch() {}

  /** Upstream's RuleAllows. */
  public static boolean allows(Attributes a, PolicyRule rule) {
    if (a.resourceRequest()) {
      String combined =
          a.subresource().isEmpty() ? a.resource() : a.resource() + "/" + a.subresource();
      return verbMatches(rule, a.verb())
          && apiGroupMatches(rule, a.apiGroup())
          && resourceMatches(rule, combined, a.subresource())
          && resourceNameMatches(rule, a.name());
    }
    return verbMatches(rule, a.verb()) && nonResourceURLMatches(rule, a.path());
  }

  static boolean verbMatches(PolicyRule rule, String verb) {
    return containsOrStar(rule.verbs(), verb);
  }

  static boolean apiGroupMatches(PolicyRule rule, String group) {
    return containsOrStar(rule.apiGroups(), group);
  }

  static boolean resourceMatches(PolicyRule rule, String combined, String subresource) {
    for (String r : rule.resources()) {
      if (r.equals("*") || r.equals(combined)) {
        return true;
      }
      // "*/scale" matches the scale subresource of any resource, and nothing else.
      if (!subresource.isEmpty()
          && r.length() == subresource.length() + 2
          && r.startsWith("*/")
          && r.endsWith(subresource)) {
        return true;
      }
    }
    return false;
  }

  static boolean resourceNameMatches(PolicyRule rule, String name) {
    return rule.resourceNames().isEmpty() || rule.resourceNames().contains(name);
  }

  static boolean nonResourceURLMatches(PolicyRule rule, String path) {
    for (String url : rule.nonResourceURLs()) {
      if (url.equals("*") || url.equals(path)) {
        return true;
      }
      if (url.endsWith("*") && path.startsWith(stripTrailingStars(url))) {
        return true;
      }
    }
    return false;
  }

  /** Go's strings.TrimRight(s, "*"). */
  static String stripTrailingStars(String s) {
    int end = s.length();
    while (end > 0 && s.charAt(end - 1) == '*') {
      end--;
    }
    return s.substring(0, end);
  }

  private static boolean containsOrStar(List<String> values, String wanted) {
    for (String v : values) {
      if (v.equals("*") || v.equals(wanted)) {
        return true;
      }
    }
    return false;
  }
}
