package dev.flotilla.apiserver.rbac;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.auth.UserInfo;
import dev.flotilla.apiserver.objects.Json;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Bindings as upstream's RBAC authorizer reads them: subjects (users, groups, ServiceAccounts with
 * the binding's namespace by default), RoleBindings confined to their namespace, a ClusterRole
 * bound in one namespace, missing roles, and the reasons an allow or a denial gives; ClusterRole
 * aggregation; the reconciliation of default roles.
 */
class RbacIndexTest {
  private static final UserInfo BOB = new UserInfo("bob", "", List.of("system:authenticated"));
  private static final UserInfo TEAM = new UserInfo("carol", "", List.of("team-a"));
  private static final UserInfo ROBOT =
      new UserInfo(
          "system:serviceaccount:apps:robot",
          "",
          List.of("system:serviceaccounts", "system:serviceaccounts:apps"));

  private final Map<String, ObjectNode> clusterRoles = new HashMap<>();
  private final Map<String, ObjectNode> roles = new HashMap<>();
  private final Map<String, ObjectNode> clusterRoleBindings = new HashMap<>();
  private final Map<String, ObjectNode> roleBindings = new HashMap<>();

  private RbacIndex index() {
    return RbacIndex.build(clusterRoles, roles, clusterRoleBindings, roleBindings);
  }

  @Test
  void roleBindingOfClusterRoleGrantsOnlyInItsNamespace() {
    clusterRoles.put("reader", role("get;list core configmaps"));
    roleBindings.put("dev/read", named("dev/read", binding("ClusterRole", "reader", "User bob")));
    assertTrue(index().decide(get(BOB, "dev", "configmaps")).allowed());
    assertFalse(index().decide(get(BOB, "prod", "configmaps")).allowed());
    assertFalse(index().decide(get(BOB, "", "configmaps")).allowed());
    assertEquals(
        "RBAC: allowed by RoleBinding \"read/dev\" of ClusterRole \"reader\" to User \"bob\"",
        index().decide(get(BOB, "dev", "configmaps")).reason());
  }

  @Test
  void clusterRoleBindingGrantsEverywhereToAGroup() {
    clusterRoles.put("reader", role("get core configmaps"));
    clusterRoleBindings.put("all", named("all", binding("ClusterRole", "reader", "Group team-a")));
    assertTrue(index().decide(get(TEAM, "prod", "configmaps")).allowed());
    assertEquals(
        "RBAC: allowed by ClusterRoleBinding \"all\" of ClusterRole \"reader\" to Group \"team-a\"",
        index().decide(get(TEAM, "", "configmaps")).reason());
    assertFalse(index().decide(get(BOB, "prod", "configmaps")).allowed());
  }

  @Test
  void serviceAccountSubjectDefaultsToTheBindingsNamespace() {
    roles.put("apps/r", role("get core secrets"));
    roleBindings.put("apps/b", named("apps/b", binding("Role", "r", "ServiceAccount robot")));
    roleBindings.put("other/b", named("other/b", binding("Role", "r", "ServiceAccount robot")));
    roles.put("other/r", role("get core secrets"));
    assertTrue(index().decide(get(ROBOT, "apps", "secrets")).allowed());
    assertFalse(index().decide(get(ROBOT, "other", "secrets")).allowed(), "robot is apps' SA");
    assertEquals(
        "RBAC: allowed by RoleBinding \"b/apps\" of Role \"r\" to ServiceAccount \"robot/apps\"",
        index().decide(get(ROBOT, "apps", "secrets")).reason());
  }

  @Test
  void aRoleIsFoundOnlyInTheBindingsNamespace() {
    roles.put("other/r", role("get core secrets"));
    roleBindings.put("dev/b", named("dev/b", binding("Role", "r", "User bob")));
    Decision d = index().decide(get(BOB, "dev", "secrets"));
    assertFalse(d.allowed());
    assertEquals("RBAC: role.rbac.authorization.k8s.io \"r\" not found", d.reason());
  }

  @Test
  void missingRolesAreReportedOnlyToTheSubjectsOfTheirBindings() {
    clusterRoleBindings.put("a", named("a", binding("ClusterRole", "gone", "User bob")));
    clusterRoleBindings.put(
        "b", named("b", binding("ClusterRole", "gone-too", "Group system:authenticated")));
    clusterRoleBindings.put("c", named("c", binding("ClusterRole", "other", "User carol")));
    assertEquals(
        "RBAC: [clusterrole.rbac.authorization.k8s.io \"gone\" not found,"
            + " clusterrole.rbac.authorization.k8s.io \"gone-too\" not found]",
        index().decide(get(BOB, "x", "pods")).reason());
    assertEquals(
        "", index().decide(get(new UserInfo("dave", "", List.of()), "x", "pods")).reason());
  }

  @Test
  void usersAreNamesNotWildcards() {
    clusterRoles.put("all", role("* * *"));
    clusterRoleBindings.put("star", named("star", binding("ClusterRole", "all", "User *")));
    assertFalse(index().decide(get(BOB, "x", "pods")).allowed());
  }

  @Test
  void namespaceObjectIsReadableThroughABindingInIt() {
    clusterRoles.put("view", role("get;list;watch core namespaces"));
    roleBindings.put("dev/v", named("dev/v", binding("ClusterRole", "view", "User bob")));
    Attributes getNamespace =
        Attributes.resource(BOB, "get", "dev", "", "v1", "namespaces", "", "dev");
    assertTrue(index().decide(getNamespace).allowed());
    assertFalse(
        index()
            .decide(Attributes.resource(BOB, "list", "", "", "v1", "namespaces", "", ""))
            .allowed());
  }

  @Test
  void rulesForCollectsClusterAndNamespaceRules() {
    clusterRoles.put("a", role("get core pods"));
    clusterRoles.put("b", role("list core secrets"));
    clusterRoleBindings.put("a", named("a", binding("ClusterRole", "a", "User bob")));
    roleBindings.put(
        "dev/b", named("dev/b", binding("ClusterRole", "b", "Group system:authenticated")));
    assertEquals(1, index().rulesFor(BOB, "").rules().size());
    assertEquals(2, index().rulesFor(BOB, "dev").rules().size());
  }

  @Test
  void aggregationUnitesSelectedRolesByNameWithoutDuplicatesOrItself() {
    Map<String, ObjectNode> all = new TreeMap<>();
    ObjectNode aggregate = role("");
    ArrayNode selectors = aggregate.putObject("aggregationRule").putArray("clusterRoleSelectors");
    selectors.addObject().putObject("matchLabels").put("agg", "true");
    aggregate.with("metadata").with("labels").put("agg", "true");
    all.put("aggregate", aggregate);
    ObjectNode b = role("get core pods,list core pods");
    b.with("metadata").with("labels").put("agg", "true");
    ObjectNode a = role("list core pods,get core secrets");
    a.with("metadata").with("labels").put("agg", "true");
    all.put("b", b);
    all.put("a", a);
    all.put("c", role("delete core pods"));
    ArrayNode rules =
        AggregationController.aggregatedRules("aggregate", aggregate.get("aggregationRule"), all);
    assertEquals(
        List.of(
            rule("list core pods").toJson(),
            rule("get core secrets").toJson(),
            rule("get core pods").toJson()),
        List.of(rules.get(0), rules.get(1), rules.get(2)));
    assertEquals(3, rules.size());
  }

  @Test
  void reconciliationAddsWhatIsMissingAndKeepsWhatWasAdded() {
    BootstrapPolicy.Role view =
        BootstrapPolicy.clusterRoles().stream()
            .filter(r -> r.name().equals("system:discovery"))
            .findFirst()
            .orElseThrow();
    ObjectNode expected = PolicyBootstrap.roleObject(view);
    ObjectNode existing = role("get - - - /custom");
    existing.with("metadata").with("labels").put("mine", "yes");
    ObjectNode merged = PolicyBootstrap.mergedRole(existing, expected);
    List<PolicyRule> rules = PolicyRule.rulesOf(merged);
    assertTrue(Escalation.uncovered(rules, PolicyRule.rulesOf(expected)).isEmpty());
    assertTrue(rules.contains(rule("get - - - /custom")));
    assertEquals("yes", merged.path("metadata").path("labels").path("mine").asText());
    assertEquals(
        "true",
        merged.path("metadata").path("annotations").path(BootstrapPolicy.AUTOUPDATE).asText());
    assertEquals(merged, PolicyBootstrap.mergedRole(merged, expected), "idempotent");
  }

  private static Attributes get(UserInfo user, String namespace, String resource) {
    return Attributes.resource(user, "get", namespace, "", "v1", resource, "", "x");
  }

  /** A role from ','-separated rules in {@link RbacRulesTest#rule} form (names, urls optional). */
  private static ObjectNode role(String rules) {
    ObjectNode role = Json.MAPPER.createObjectNode();
    role.putObject("metadata").put("name", "r");
    ArrayNode list = role.putArray("rules");
    if (!rules.isEmpty()) {
      for (String r : rules.split(",")) {
        list.add(rule(r).toJson());
      }
    }
    return role;
  }

  private static PolicyRule rule(String spec) {
    String[] f = (spec.trim() + " - - - -").split("\\s+");
    return new PolicyRule(
        RbacRulesTest.list(f[0]),
        RbacRulesTest.list(f[1]),
        RbacRulesTest.list(f[2]),
        RbacRulesTest.list(f[3]),
        RbacRulesTest.list(f[4]));
  }

  /** {@code binding} named after its map key (the part after "namespace/"). */
  private static ObjectNode named(String key, ObjectNode binding) {
    binding.with("metadata").put("name", key.substring(key.indexOf('/') + 1));
    return binding;
  }

  private static ObjectNode binding(String roleKind, String roleName, String... subjects) {
    ObjectNode b = Json.MAPPER.createObjectNode();
    b.putObject("metadata").put("name", "b");
    b.putObject("roleRef")
        .put("apiGroup", "rbac.authorization.k8s.io")
        .put("kind", roleKind)
        .put("name", roleName);
    ArrayNode list = b.putArray("subjects");
    for (String s : subjects) {
      String[] kn = s.split(" ");
      list.addObject().put("kind", kn[0]).put("name", kn[1]);
    }
    return b;
  }
}
