package dev.flotilla.apiserver.rbac;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.apiserver.auth.UserInfo;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Upstream's RuleAllows and Covers against the cases the Kubernetes RBAC documentation and
 * upstream's tests spell out: wildcards, subresources, resourceNames and non-resource URLs.
 */
class RbacRulesTest {
  private static final UserInfo BOB = new UserInfo("bob", "", List.of("system:authenticated"));

  /**
   * rule verbs | groups | resources | names | request verb | group | resource | subresource | name
   * | allowed.
   */
  @ParameterizedTest(name = "{0} {1} {2} {3} allows {4} {5} {6}/{7} {8}: {9}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      value = {
        "get        | ''    | pods          | -       | get    | ''   | pods        | -      | p  | true",
        "get        | ''    | pods          | -       | list   | ''   | pods        | -      | -  | false",
        "*          | ''    | pods          | -       | delete | ''   | pods        | -      | p  | true",
        "get        | *     | pods          | -       | get    | apps | pods        | -      | p  | true",
        "get        | ''    | pods          | -       | get    | apps | pods        | -      | p  | false",
        "get        | ''    | *             | -       | get    | ''   | secrets     | -      | s  | true",
        // "*" covers subresources too; a plain resource does not.
        "get        | ''    | *             | -       | get    | ''   | pods        | log    | p  | true",
        "get        | ''    | pods          | -       | get    | ''   | pods        | log    | p  | false",
        "get        | ''    | pods/log      | -       | get    | ''   | pods        | log    | p  | true",
        "get        | ''    | pods/log      | -       | get    | ''   | pods        | -      | p  | false",
        // "*/scale" is the scale subresource of anything; "pods/*" is no wildcard.
        "update     | apps  | */scale       | -       | update | apps | deployments | scale  | d  | true",
        "update     | apps  | */scale       | -       | update | apps | deployments | -      | d  | false",
        "update     | apps  | */scale       | -       | update | apps | deployments | status | d  | false",
        "get        | ''    | pods/*        | -       | get    | ''   | pods        | log    | p  | false",
        // resourceNames restrict to named objects, so never a list or a create.
        "get;update | ''    | configmaps    | a;b     | get    | ''   | configmaps  | -      | a  | true",
        "get;update | ''    | configmaps    | a;b     | update | ''   | configmaps  | -      | b  | true",
        "get;update | ''    | configmaps    | a;b     | get    | ''   | configmaps  | -      | c  | false",
        "list       | ''    | configmaps    | a       | list   | ''   | configmaps  | -      | -  | false",
        "list       | ''    | configmaps    | a       | list   | ''   | configmaps  | -      | a  | true",
        "create     | ''    | configmaps    | a       | create | ''   | configmaps  | -      | -  | false",
        // Verbs are literal: "*" asked is allowed only by a "*" rule.
        "get        | ''    | pods          | -       | *      | ''   | pods        | -      | p  | false",
        "*          | *     | *             | -       | *      | *    | *           | -      | -  | true",
        "impersonate| ''    | users         | alice   | impersonate | '' | users     | -      | alice | true",
      })
  void resourceRules(
      String verbs,
      String groups,
      String resources,
      String names,
      String verb,
      String group,
      String resource,
      String subresource,
      String name,
      boolean allowed) {
    PolicyRule rule =
        PolicyRule.resources(list(verbs), list(groups), list(resources)).names(list(names));
    Attributes a = Attributes.resource(BOB, verb, "ns", group, "v1", resource, subresource, name);
    assertEquals(allowed, RuleMatch.allows(a, rule), rule + " for " + a);
  }

  /** rule verbs | URLs | request verb | path | allowed. */
  @ParameterizedTest(name = "{0} {1} allows {2} {3}: {4}")
  @CsvSource(
      delimiter = '|',
      value = {
        "get  | /healthz        | get  | /healthz       | true",
        "get  | /healthz        | post | /healthz       | false",
        "get  | /healthz        | get  | /healthz/etcd  | false",
        // A trailing "*" makes a prefix: "/api/*" takes "/api/v1" but not "/api" itself.
        "get  | /api/*          | get  | /api/v1        | true",
        "get  | /api/*          | get  | /api/          | true",
        "get  | /api/*          | get  | /api           | false",
        "get  | /healthz*       | get  | /healthzfoo    | true",
        "get  | /api;/api/*     | get  | /api           | true",
        "*    | *               | post | /anything/at/all | true",
        "get  | /version        | get  | /version/      | false",
      })
  void nonResourceRules(String verbs, String urls, String verb, String path, boolean allowed) {
    PolicyRule rule = PolicyRule.urls(list(verbs), list(urls));
    assertEquals(allowed, RuleMatch.allows(Attributes.nonResource(BOB, verb, path), rule));
  }

  @Test
  void resourceAndNonResourceRulesNeverCross() {
    PolicyRule everyResource = PolicyRule.resources(list("*"), list("*"), list("*"));
    PolicyRule everyUrl = PolicyRule.urls(list("*"), list("*"));
    assertEquals(
        false, RuleMatch.allows(Attributes.nonResource(BOB, "get", "/metrics"), everyResource));
    assertEquals(
        false,
        RuleMatch.allows(
            Attributes.resource(BOB, "get", "", "", "v1", "nodes", "", "n"), everyUrl));
  }

  /** owner rule (verbs groups resources names urls) | servant rule | covered. */
  @ParameterizedTest(name = "[{0}] covers [{1}]: {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "* * * - -                          | get;list core pods;secrets - -   | true",
        "get core pods - -                    | get core pods - -                | true",
        "get core pods - -                    | list core pods - -               | false",
        "get;list core pods - -               | get;list;watch core pods - -     | false",
        "get core pods - -                    | get core pods a;b -              | true",
        "get core pods a -                    | get core pods - -                | false",
        "get core pods a;b -                  | get core pods a -                | true",
        "get core pods a -                    | get core pods a;b -              | false",
        "update apps */scale - -            | update apps deployments/scale - - | true",
        "update apps */scale - -            | update apps deployments - -    | false",
        "get core pods - -                    | get core pods/log - -            | false",
        "get * pods - -                     | get apps;core pods - -           | true",
        "get - - - /api/*                   | get - - - /api/v1;/api/v1/pods | true",
        "get - - - /api/*                   | get - - - /api                 | false",
        "* - - - *                          | post - - - /anything           | true",
        "get - - - /healthz                 | get core pods - -                | false",
      })
  void covers(String owner, String servant, boolean covered) {
    List<PolicyRule> missing = Escalation.uncovered(List.of(rule(owner)), List.of(rule(servant)));
    assertEquals(covered, missing.isEmpty(), "missing " + missing);
  }

  @Test
  void breakdownYieldsOneRulePerGroupResourceVerbAndName() {
    PolicyRule r =
        PolicyRule.resources(list("get;list"), list("'';apps"), list("pods")).names(list("a;b;c"));
    assertEquals(2 * 2 * 3, Escalation.breakdown(r).size());
    assertEquals(
        2 * 2, Escalation.breakdown(PolicyRule.urls(list("get;post"), list("/a;/b"))).size());
  }

  @Test
  void escalationMessageIsUpstreamsCompactSortedList() {
    List<PolicyRule> missing =
        Escalation.uncovered(
            List.of(PolicyRule.resources(list("get"), list("''"), list("pods"))),
            List.of(
                PolicyRule.resources(list("get;list"), list("''"), list("pods;secrets")),
                PolicyRule.urls(list("get"), list("/metrics"))));
    assertEquals(
        "user \"bob\" (groups=[\"system:authenticated\"]) is attempting to grant RBAC permissions"
            + " not currently held:\n"
            + "{APIGroups:[\"\"], Resources:[\"pods\"], Verbs:[\"list\"]}\n"
            + "{APIGroups:[\"\"], Resources:[\"secrets\"], Verbs:[\"get\" \"list\"]}\n"
            + "{NonResourceURLs:[\"/metrics\"], Verbs:[\"get\"]}",
        Escalation.notHeldMessage("bob", BOB.groups(), missing, List.of()));
  }

  @Test
  void fieldSelectorOnNameNamesTheObject() {
    assertEquals("x", Attributes.selectedName("metadata.name=x"));
    assertEquals("x", Attributes.selectedName("metadata.namespace=n,metadata.name==x"));
    assertEquals(null, Attributes.selectedName("metadata.name!=x"));
    assertEquals(null, Attributes.selectedName("metadata.name=a/b"));
    assertTrue(Attributes.selectedName("") == null);
  }

  /** "verbs groups resources names urls", ';' between values, '-' for none, '' or core for "". */
  static PolicyRule rule(String spec) {
    String[] f = spec.trim().split("\\s+");
    return new PolicyRule(list(f[0]), list(f[1]), list(f[2]), list(f[3]), list(f[4]));
  }

  static List<String> list(String values) {
    if (values == null || values.equals("-")) {
      return List.of();
    }
    return Arrays.stream(values.trim().split(";"))
        .map(v -> v.equals("''") || v.equals("core") ? "" : v)
        .toList();
  }
}
