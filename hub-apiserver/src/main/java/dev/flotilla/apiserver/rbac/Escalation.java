package dev.flotilla.apiserver.rbac;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Escalation prevention's rule arithmetic, as upstream's rbac validation package: a set of rules is
 * granted only if every atomic rule it breaks down into (one group, one resource, one verb, at most
 * one name; or one URL and one verb) is covered by a rule the granter holds.
 */
public final class Escalation {
  /** What it takes to set an aggregationRule: everything. */
  public static final List<PolicyRule> FULL_AUTHORITY =
      List.of(
          PolicyRule.resources(List.of("*"), List.of("*"), List.of("*")),
          PolicyRule.urls(List.of("*"), List.of("*")));

  private Escalation() {}

  /** The atomic rules of {@code rule} (upstream's BreakdownRule). */
  public static List<PolicyRule> breakdown(PolicyRule rule) {
    List<PolicyRule> out = new ArrayList<>();
    for (String group : rule.apiGroups()) {
      for (String resource : rule.resources()) {
        for (String verb : rule.verbs()) {
          if (rule.resourceNames().isEmpty()) {
            out.add(PolicyRule.resources(List.of(verb), List.of(group), List.of(resource)));
          } else {
            for (String name : rule.resourceNames()) {
              out.add(
                  PolicyRule.resources(List.of(verb), List.of(group), List.of(resource))
                      .names(List.of(name)));
            }
          }
        }
      }
    }
    for (String url : rule.nonResourceURLs()) {
      for (String verb : rule.verbs()) {
        out.add(PolicyRule.urls(List.of(verb), List.of(url)));
      }
    }
    return out;
  }

  /** The atomic rules of {@code servant} that {@code owner} does not cover; empty when covered. */
  public static List<PolicyRule> uncovered(List<PolicyRule> owner, List<PolicyRule> servant) {
    List<PolicyRule> missing = new ArrayList<>();
    for (PolicyRule s : servant) {
      for (PolicyRule sub : breakdown(s)) {
        boolean covered = false;
        for (PolicyRule o : owner) {
          if (ruleCovers(o, sub)) {
            covered = true;
            break;
          }
        }
        if (!covered) {
          missing.add(sub);
        }
      }
    }
    return missing;
  }

  /** Whether {@code owner} covers the atomic rule {@code sub}. */
  static boolean ruleCovers(PolicyRule owner, PolicyRule sub) {
    boolean verbs = owner.verbs().contains("*") || owner.verbs().containsAll(sub.verbs());
    boolean groups =
        owner.apiGroups().contains("*") || owner.apiGroups().containsAll(sub.apiGroups());
    boolean resources = resourceCoversAll(owner.resources(), sub.resources());
    boolean urls = nonResourceURLsCoverAll(owner.nonResourceURLs(), sub.nonResourceURLs());
    boolean names =
        sub.resourceNames().isEmpty()
            ? owner.resourceNames().isEmpty()
            : owner.resourceNames().isEmpty()
                || owner.resourceNames().containsAll(sub.resourceNames());
    return verbs && groups && resources && names && urls;
  }

  private static boolean resourceCoversAll(List<String> owned, List<String> wanted) {
    if (owned.contains("*") || owned.containsAll(wanted)) {
      return true;
    }
    for (String path : wanted) {
      if (owned.contains(path)) {
        continue;
      }
      int slash = path.indexOf('/');
      if (slash < 0 || !owned.contains("*/" + path.substring(slash + 1))) {
        return false;
      }
    }
    return true;
  }

  private static boolean nonResourceURLsCoverAll(List<String> owned, List<String> wanted) {
    for (String path : wanted) {
      boolean covered = false;
      for (String o : owned) {
        if (o.equals(path)
            || (o.endsWith("*") && path.startsWith(RuleMatch.stripTrailingStars(o)))) {
          covered = true;
          break;
        }
      }
      if (!covered) {
        return false;
      }
    }
    return true;
  }

  /**
   * Upstream's CompactRules: simple rules (one group, one resource, at most one name, nothing else)
   * that differ only in verbs are merged.
   */
  public static List<PolicyRule> compact(List<PolicyRule> rules) {
    List<PolicyRule> out = new ArrayList<>();
    Map<List<String>, List<String>> verbsBySimple = new LinkedHashMap<>();
    Map<List<String>, PolicyRule> firstBySimple = new LinkedHashMap<>();
    for (PolicyRule r : rules) {
      boolean simple =
          r.resourceNames().size() <= 1
              && r.nonResourceURLs().isEmpty()
              && r.apiGroups().size() == 1
              && r.resources().size() == 1;
      if (!simple) {
        out.add(r);
        continue;
      }
      List<String> key = new ArrayList<>(r.apiGroups());
      key.addAll(r.resources());
      key.add(r.resourceNames().isEmpty() ? "\0" : r.resourceNames().get(0));
      firstBySimple.putIfAbsent(key, r);
      List<String> verbs = verbsBySimple.computeIfAbsent(key, k -> new ArrayList<>());
      Set<String> seen = new HashSet<>(verbs);
      for (String v : r.verbs()) {
        if (seen.add(v)) {
          verbs.add(v);
        }
      }
    }
    firstBySimple.forEach(
        (key, r) ->
            out.add(
                new PolicyRule(
                    verbsBySimple.get(key),
                    r.apiGroups(),
                    r.resources(),
                    r.resourceNames(),
                    List.of())));
    return out;
  }

  /**
   * Upstream's ConfirmNoEscalation message when {@code missing} is not empty: {@code user "bob"
   * (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:}
   * then one compacted rule per line, sorted.
   */
  public static String notHeldMessage(
      String user, List<String> groups, List<PolicyRule> missing, List<String> errors) {
    TreeSet<String> lines = new TreeSet<>();
    for (PolicyRule r : compact(missing)) {
      lines.add(r.compactString());
    }
    String msg =
        "user \""
            + user
            + "\" (groups="
            + PolicyRule.goQuoted(groups)
            + ") is attempting to grant RBAC permissions not currently held:\n"
            + String.join("\n", lines);
    if (!errors.isEmpty()) {
      msg += "; resolution errors: [" + String.join(", ", errors) + "]";
    }
    return msg;
  }
}
