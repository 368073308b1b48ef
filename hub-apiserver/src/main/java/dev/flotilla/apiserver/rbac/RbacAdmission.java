package dev.flotilla.apiserver.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.auth.UserInfo;
import dev.flotilla.apiserver.objects.Admission;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.objects.Meta;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Upstream RBAC's write rules for its own objects: bindings keep their roleRef and name only
 * supported kinds; and no one grants what they do not hold. Creating or changing a Role or
 * ClusterRole needs the {@code escalate} verb on it or every rule it grants (and, for an
 * aggregationRule, everything); creating or changing a binding needs the {@code bind} verb on its
 * role or every rule the role grants. {@code system:masters} and the server itself are exempt.
 */
public final class RbacAdmission implements Admission {
  static final String GROUP = "rbac.authorization.k8s.io";
  private static final Set<String> SUBJECT_KINDS = Set.of("ServiceAccount", "User", "Group");

  private final HubAuthorizer authorizer;

  public RbacAdmission(HubAuthorizer authorizer) {
    this.authorizer = authorizer;
  }

  @Override
  public void validate(Attributes a) {
    if (!a.type().group().equals(GROUP) || a.operation() == Operation.DELETE) {
      return;
    }
    String plural = a.type().plural();
    boolean binding = plural.equals("rolebindings") || plural.equals("clusterrolebindings");
    if (binding) {
      validateBinding(a, plural.equals("clusterrolebindings"));
    }
    UserInfo user = a.user();
    if (user == null || user.groups().contains(HubAuthorizer.MASTERS)) {
      return;
    }
    if (a.operation() == Operation.UPDATE && onlyGarbageCollectionFields(a)) {
      return;
    }
    String namespace = a.namespace() == null ? "" : a.namespace();
    if (binding) {
      checkBind(a, user, namespace);
    } else if (plural.equals("roles") || plural.equals("clusterroles")) {
      checkEscalate(a, user, namespace, plural);
    }
  }

  private void checkEscalate(Attributes a, UserInfo user, String namespace, String plural) {
    // As upstream, the escalate check names the object only when the request URL does.
    String name = a.operation() == Operation.CREATE ? "" : a.name();
    if (authorizer
        .decide(
            dev.flotilla.apiserver.rbac.Attributes.resource(
                user, "escalate", namespace, GROUP, "*", plural, "", name))
        .allowed()) {
      return;
    }
    RbacIndex.Rules held = authorizer.rbacRulesFor(user, namespace);
    List<PolicyRule> missing = Escalation.uncovered(held.rules(), PolicyRule.rulesOf(a.object()));
    if (!missing.isEmpty()) {
      throw a.forbiddenObject(
          Escalation.notHeldMessage(user.name(), user.groups(), missing, held.errors()));
    }
    if (plural.equals("clusterroles")
        && a.object().path("aggregationRule").isObject()
        && !Escalation.uncovered(held.rules(), Escalation.FULL_AUTHORITY).isEmpty()) {
      throw a.forbiddenObject("must have cluster-admin privileges to use the aggregationRule");
    }
  }

  private void checkBind(Attributes a, UserInfo user, String namespace) {
    JsonNode ref = a.object().path("roleRef");
    String kind = ref.path("kind").asText("");
    String roleName = ref.path("name").asText("");
    String resource = kind.equals("ClusterRole") ? "clusterroles" : "roles";
    if (authorizer
        .decide(
            dev.flotilla.apiserver.rbac.Attributes.resource(
                user,
                "bind",
                namespace,
                ref.path("apiGroup").asText(""),
                "",
                resource,
                "",
                roleName))
        .allowed()) {
      return;
    }
    Optional<List<PolicyRule>> granted =
        authorizer.cache().index().roleReferenceRules(kind, roleName, namespace);
    if (granted.isEmpty()) {
      String singular = kind.equals("ClusterRole") ? "clusterrole" : "role";
      throw new ApiException(
          404,
          "NotFound",
          singular + "." + GROUP + " \"" + roleName + "\" not found",
          GROUP,
          singular,
          roleName,
          List.of());
    }
    RbacIndex.Rules held = authorizer.rbacRulesFor(user, namespace);
    List<PolicyRule> missing = Escalation.uncovered(held.rules(), granted.get());
    if (!missing.isEmpty()) {
      throw a.forbiddenObject(
          Escalation.notHeldMessage(user.name(), user.groups(), missing, held.errors()));
    }
  }

  /** Upstream's binding validation: a supported roleRef that never changes, known subjects. */
  private static void validateBinding(Attributes a, boolean clusterScoped) {
    JsonNode ref = a.object().path("roleRef");
    String kind = ref.path("kind").asText("");
    if (clusterScoped
        ? !kind.equals("ClusterRole")
        : !Set.of("Role", "ClusterRole").contains(kind)) {
      throw ApiException.invalid(
          a.type(),
          a.name(),
          "roleRef.kind",
          "Unsupported value: \""
              + kind
              + "\": supported values: "
              + (clusterScoped ? "\"ClusterRole\"" : "\"Role\", \"ClusterRole\""));
    }
    String apiGroup = ref.path("apiGroup").asText("");
    if (!apiGroup.equals(GROUP)) {
      throw ApiException.invalid(
          a.type(),
          a.name(),
          "roleRef.apiGroup",
          "Unsupported value: \"" + apiGroup + "\": supported values: \"" + GROUP + "\"");
    }
    if (ref.path("name").asText("").isEmpty()) {
      throw ApiException.invalid(a.type(), a.name(), "roleRef.name", "Required value");
    }
    int i = 0;
    for (JsonNode s : a.object().path("subjects")) {
      String field = "subjects[" + i++ + "]";
      String subjectKind = s.path("kind").asText("");
      if (!SUBJECT_KINDS.contains(subjectKind)) {
        throw ApiException.invalid(
            a.type(),
            a.name(),
            field + ".kind",
            "Unsupported value: \""
                + subjectKind
                + "\": supported values: \"ServiceAccount\", \"User\", \"Group\"");
      }
      if (s.path("name").asText("").isEmpty()) {
        throw ApiException.invalid(a.type(), a.name(), field + ".name", "Required value");
      }
      if (clusterScoped
          && subjectKind.equals("ServiceAccount")
          && s.path("namespace").asText("").isEmpty()) {
        throw ApiException.invalid(a.type(), a.name(), field + ".namespace", "Required value");
      }
    }
    if (a.operation() == Operation.UPDATE
        && a.oldObject() != null
        && !a.oldObject().path("roleRef").equals(ref)) {
      throw ApiException.invalid(
          a.type(), a.name(), "roleRef", "Invalid value: " + ref + ": cannot change roleRef");
    }
  }

  /**
   * Upstream's IsOnlyMutatingGCFields: a change of ownerReferences or finalizers alone grants
   * nothing, so the garbage collector and finalizing clients need no escalation rights.
   */
  private static boolean onlyGarbageCollectionFields(Attributes a) {
    if (a.oldObject() == null) {
      return false;
    }
    return withoutVolatileMetadata(a.object()).equals(withoutVolatileMetadata(a.oldObject()));
  }

  private static ObjectNode withoutVolatileMetadata(ObjectNode obj) {
    ObjectNode copy = obj.deepCopy();
    ObjectNode meta = Meta.metadata(copy);
    for (String f :
        List.of(
            "ownerReferences",
            "finalizers",
            "managedFields",
            "resourceVersion",
            "generation",
            "creationTimestamp",
            "uid")) {
      meta.remove(f);
    }
    return copy;
  }
}
