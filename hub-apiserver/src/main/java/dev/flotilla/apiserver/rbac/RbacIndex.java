package dev.flotilla.apiserver.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.auth.UserInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An immutable snapshot of every Role, ClusterRole and binding, indexed by subject so that a
 * request looks only at the bindings naming its user or one of its groups (never a scan of all
 * bindings, never a store read). Evaluation follows upstream's RBAC authorizer: ClusterRoleBindings
 * first, then the RoleBindings of the request's namespace; the first rule that allows wins.
 */
public final class RbacIndex {
  static final String ROLE_PREFIX = "role.rbac.authorization.k8s.io";
  static final String CLUSTER_ROLE_PREFIX = "clusterrole.rbac.authorization.k8s.io";
  private static final int[] NONE = new int[0];

  /** A binding subject: User, Group or ServiceAccount. */
  record Subject(String kind, String name, String namespace) {}

  /** One binding with the rules of its role resolved (or why they could not be). */
  record Grant(
      String kind,
      String name,
      String namespace,
      String roleKind,
      String roleName,
      List<Subject> subjects,
      List<PolicyRule> rules,
      String error) {

    /** The first subject that is {@code user}, in the binding's order; null if none. */
    Subject subjectFor(UserInfo user) {
      for (Subject s : subjects) {
        if (applies(user, s, namespace)) {
          return s;
        }
      }
      return null;
    }

    /** Upstream's describer: {@code RoleBinding "b/ns" of ClusterRole "edit" to User "bob"}. */
    String describe(Subject s) {
      String shownName = kind.equals("RoleBinding") ? name + "/" + namespace : name;
      String subject =
          s.kind().equals("ServiceAccount")
              ? "ServiceAccount \""
                  + s.name()
                  + "/"
                  + (s.namespace().isEmpty() ? namespace : s.namespace())
                  + "\""
              : s.kind() + " \"" + s.name() + "\"";
      return kind + " \"" + shownName + "\" of " + roleKind + " \"" + roleName + "\" to " + subject;
    }
  }

  /** Grants of one scope (the cluster, or one namespace) and their index by subject key. */
  private record Scope(List<Grant> grants, Map<String, int[]> bySubject) {}

  private final Map<String, List<PolicyRule>> clusterRoles;
  private final Map<String, List<PolicyRule>> roles;
  private final Scope cluster;
  private final Map<String, Scope> namespaces;

  private RbacIndex(
      Map<String, List<PolicyRule>> clusterRoles,
      Map<String, List<PolicyRule>> roles,
      Scope cluster,
      Map<String, Scope> namespaces) {
    this.clusterRoles = clusterRoles;
    this.roles = roles;
    this.cluster = cluster;
    this.namespaces = namespaces;
  }

  /**
   * Builds the index from stored objects keyed "name" (cluster-scoped) or "namespace/name".
   * Bindings are ordered by key so that the reason reported for an allow is deterministic.
   */
  public static RbacIndex build(
      Map<String, ObjectNode> clusterRoleObjects,
      Map<String, ObjectNode> roleObjects,
      Map<String, ObjectNode> clusterRoleBindings,
      Map<String, ObjectNode> roleBindings) {
    Map<String, List<PolicyRule>> clusterRoles = new HashMap<>();
    clusterRoleObjects.forEach((k, v) -> clusterRoles.put(k, PolicyRule.rulesOf(v)));
    Map<String, List<PolicyRule>> roles = new HashMap<>();
    roleObjects.forEach((k, v) -> roles.put(k, PolicyRule.rulesOf(v)));
    List<Grant> clusterGrants = new ArrayList<>();
    for (ObjectNode b : new TreeMap<>(clusterRoleBindings).values()) {
      clusterGrants.add(grant(b, "ClusterRoleBinding", "", clusterRoles, roles));
    }
    Map<String, List<Grant>> byNamespace = new HashMap<>();
    for (Map.Entry<String, ObjectNode> e : new TreeMap<>(roleBindings).entrySet()) {
      String ns = e.getKey().substring(0, e.getKey().indexOf('/'));
      byNamespace
          .computeIfAbsent(ns, k -> new ArrayList<>())
          .add(grant(e.getValue(), "RoleBinding", ns, clusterRoles, roles));
    }
    Map<String, Scope> namespaces = new HashMap<>();
    byNamespace.forEach((ns, grants) -> namespaces.put(ns, scope(grants)));
    return new RbacIndex(clusterRoles, roles, scope(clusterGrants), namespaces);
  }

  private static Grant grant(
      ObjectNode binding,
      String kind,
      String namespace,
      Map<String, List<PolicyRule>> clusterRoles,
      Map<String, List<PolicyRule>> roles) {
    JsonNode ref = binding.path("roleRef");
    String roleKind = ref.path("kind").asText("");
    String roleName = ref.path("name").asText("");
    List<Subject> subjects = new ArrayList<>();
    for (JsonNode s : binding.path("subjects")) {
      subjects.add(
          new Subject(
              s.path("kind").asText(""),
              s.path("name").asText(""),
              s.path("namespace").asText("")));
    }
    List<PolicyRule> rules = List.of();
    String error = null;
    Optional<List<PolicyRule>> resolved =
        roleRules(roleKind, roleName, namespace, clusterRoles, roles);
    if (resolved.isPresent()) {
      rules = resolved.get();
    } else {
      error = roleRefError(roleKind, roleName);
    }
    String name = binding.path("metadata").path("name").asText("");
    return new Grant(kind, name, namespace, roleKind, roleName, subjects, rules, error);
  }

  private static Optional<List<PolicyRule>> roleRules(
      String roleKind,
      String roleName,
      String namespace,
      Map<String, List<PolicyRule>> clusterRoles,
      Map<String, List<PolicyRule>> roles) {
    if (roleKind.equals("ClusterRole")) {
      return Optional.ofNullable(clusterRoles.get(roleName));
    }
    if (roleKind.equals("Role") && !namespace.isEmpty()) {
      return Optional.ofNullable(roles.get(namespace + "/" + roleName));
    }
    return Optional.empty();
  }

  private static String roleRefError(String roleKind, String roleName) {
    if (roleKind.equals("ClusterRole")) {
      return CLUSTER_ROLE_PREFIX + " \"" + roleName + "\" not found";
    }
    if (roleKind.equals("Role")) {
      return ROLE_PREFIX + " \"" + roleName + "\" not found";
    }
    return "unsupported role reference kind: \"" + roleKind + "\"";
  }

  private static Scope scope(List<Grant> grants) {
    Map<String, LinkedHashSet<Integer>> keys = new HashMap<>();
    for (int i = 0; i < grants.size(); i++) {
      Grant g = grants.get(i);
      for (Subject s : g.subjects()) {
        String key = subjectKey(s, g.namespace());
        if (key != null) {
          keys.computeIfAbsent(key, k -> new LinkedHashSet<>()).add(i);
        }
      }
    }
    Map<String, int[]> bySubject = new HashMap<>();
    keys.forEach((k, v) -> bySubject.put(k, v.stream().mapToInt(Integer::intValue).toArray()));
    return new Scope(List.copyOf(grants), bySubject);
  }

  /** The index key a subject is found under; null for subjects that can never apply. */
  private static String subjectKey(Subject s, String bindingNamespace) {
    switch (s.kind()) {
      case "User":
        return "u\0" + s.name();
      case "Group":
        return "g\0" + s.name();
      case "ServiceAccount":
        String ns = s.namespace().isEmpty() ? bindingNamespace : s.namespace();
        return ns.isEmpty() ? null : "u\0" + serviceAccountUser(ns, s.name());
      default:
        return null;
    }
  }

  /** Upstream's appliesToUser. */
  static boolean applies(UserInfo user, Subject s, String bindingNamespace) {
    switch (s.kind()) {
      case "User":
        return user.name().equals(s.name());
      case "Group":
        return user.groups().contains(s.name());
      case "ServiceAccount":
        String ns = s.namespace().isEmpty() ? bindingNamespace : s.namespace();
        return !ns.isEmpty() && user.name().equals(serviceAccountUser(ns, s.name()));
      default:
        return false;
    }
  }

  static String serviceAccountUser(String namespace, String name) {
    return "system:serviceaccount:" + namespace + ":" + name;
  }

  /** Upstream's RBAC decision: allowed with the binding that allowed, or why not (errors only). */
  public Decision decide(Attributes a) {
    List<String> errors = new ArrayList<>(0);
    Decision d = decideIn(cluster, a, errors);
    if (d == null && !a.namespace().isEmpty()) {
      Scope ns = namespaces.get(a.namespace());
      if (ns != null) {
        d = decideIn(ns, a, errors);
      }
    }
    if (d != null) {
      return d;
    }
    return Decision.noOpinion(errors.isEmpty() ? "" : "RBAC: " + aggregate(errors));
  }

  private static Decision decideIn(Scope scope, Attributes a, List<String> errors) {
    for (int i : candidates(scope, a.user())) {
      Grant g = scope.grants().get(i);
      Subject s = g.subjectFor(a.user());
      if (s == null) {
        continue;
      }
      if (g.error() != null) {
        errors.add(g.error());
        continue;
      }
      for (PolicyRule rule : g.rules()) {
        if (RuleMatch.allows(a, rule)) {
          return Decision.allow("RBAC: allowed by " + g.describe(s));
        }
      }
    }
    return null;
  }

  /** Every rule bound to {@code user} cluster-wide and in {@code namespace} ("" for none). */
  public Rules rulesFor(UserInfo user, String namespace) {
    List<PolicyRule> rules = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    collect(cluster, user, rules, errors);
    if (namespace != null && !namespace.isEmpty()) {
      Scope ns = namespaces.get(namespace);
      if (ns != null) {
        collect(ns, user, rules, errors);
      }
    }
    return new Rules(rules, errors);
  }

  /** Rules a user holds and the role references that could not be resolved. */
  public record Rules(List<PolicyRule> rules, List<String> errors) {}

  private static void collect(
      Scope scope, UserInfo user, List<PolicyRule> rules, List<String> errors) {
    for (int i : candidates(scope, user)) {
      Grant g = scope.grants().get(i);
      if (g.subjectFor(user) == null) {
        continue;
      }
      if (g.error() != null) {
        errors.add(g.error());
      } else {
        rules.addAll(g.rules());
      }
    }
  }

  /**
   * The rules a binding's roleRef grants in {@code namespace}, as upstream's GetRoleReferenceRules;
   * empty when the role does not exist.
   */
  public Optional<List<PolicyRule>> roleReferenceRules(
      String roleKind, String roleName, String namespace) {
    return roleRules(roleKind, roleName, namespace == null ? "" : namespace, clusterRoles, roles);
  }

  /** Indices of the grants naming the user or one of its groups, in binding order. */
  private static int[] candidates(Scope scope, UserInfo user) {
    int[] found = scope.bySubject().getOrDefault("u\0" + user.name(), NONE);
    boolean copied = false;
    for (String group : user.groups()) {
      int[] more = scope.bySubject().get("g\0" + group);
      if (more == null) {
        continue;
      }
      if (found.length == 0) {
        found = more;
        continue;
      }
      int[] merged = Arrays.copyOf(found, found.length + more.length);
      System.arraycopy(more, 0, merged, found.length, more.length);
      found = merged;
      copied = true;
    }
    if (copied) {
      found = Arrays.stream(found).sorted().distinct().toArray();
    }
    return found;
  }

  /** utilerrors.NewAggregate's text: one message as is, several as "[a, b]", duplicates once. */
  static String aggregate(List<String> errors) {
    List<String> unique = new ArrayList<>(new LinkedHashSet<>(errors));
    return unique.size() == 1 ? unique.get(0) : "[" + String.join(", ", unique) + "]";
  }
}
