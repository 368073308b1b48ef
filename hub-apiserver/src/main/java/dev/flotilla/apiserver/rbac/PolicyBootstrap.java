package dev.flotilla.apiserver.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.objects.CreateIfAbsent;
import dev.flotilla.apiserver.objects.DeleteOptions;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.objects.Meta;
import dev.flotilla.apiserver.objects.ResourceStorage;
import dev.flotilla.apiserver.registry.ResourceType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BinaryOperator;

/**
 * Writes the {@link BootstrapPolicy} at start, as kube-apiserver's RBAC post-start hook: missing
 * objects are created; existing ones not annotated {@code rbac.authorization.kubernetes.io/
 * autoupdate: "false"} get back any missing rule, aggregation selector, subject, label and
 * annotation (nothing an administrator added is removed); a binding whose roleRef changed is
 * recreated. Several replicas may run it at once on one store (see {@code ensure}).
 */
public final class PolicyBootstrap {
  /** Lost races tolerated per object before starting fails: each means another writer won. */
  private static final int MAX_ATTEMPTS = 20;

  private final ResourceStorage storage;
  private final ResourceType clusterRoles;
  private final ResourceType clusterRoleBindings;

  public PolicyBootstrap(ResourceStorage storage) {
    this.storage = storage;
    this.clusterRoles = type(storage, "clusterroles");
    this.clusterRoleBindings = type(storage, "clusterrolebindings");
  }

  private static ResourceType type(ResourceStorage storage, String plural) {
    return storage.registry().find(RbacAdmission.GROUP, "v1", plural).orElseThrow();
  }

  /** Creates or reconciles every default role and binding; blocks until written. */
  public void reconcile() {
    for (BootstrapPolicy.Role role : BootstrapPolicy.clusterRoles()) {
      ensure(clusterRoles, roleObject(role), PolicyBootstrap::mergedRole, false);
    }
    for (BootstrapPolicy.Binding binding : BootstrapPolicy.clusterRoleBindings()) {
      ensure(clusterRoleBindings, bindingObject(binding), PolicyBootstrap::mergedBinding, true);
    }
  }

  /**
   * Makes one default object present and complete, safe against other replicas doing the same at
   * the same moment on one store: it is created if absent; what it lacks is added with a
   * compare-and-swap on the version just read, and only when something is missing; a binding whose
   * roleRef differs (roleRef cannot be updated) is deleted only if it is still the very object read
   * (uid and resourceVersion preconditions), so a binding another replica has just written is never
   * deleted. A lost race (409, or 404 after a delete) is read and judged again.
   */
  private void ensure(
      ResourceType type,
      ObjectNode expected,
      BinaryOperator<ObjectNode> merge,
      boolean replaceOnRoleRefChange) {
    String name = Meta.metadata(expected).path("name").asText();
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      Optional<ObjectNode> found = storage.find(type, null, name);
      try {
        if (found.isEmpty()) {
          if (CreateIfAbsent.create(storage, type, null, expected)) {
            return;
          }
          continue; // another replica created it: judge what it wrote
        }
        ObjectNode existing = found.get();
        if (!autoupdate(existing)) {
          return;
        }
        if (replaceOnRoleRefChange && !existing.path("roleRef").equals(expected.path("roleRef"))) {
          DeleteOptions onlyThisOne =
              new DeleteOptions(
                  null, Meta.uid(existing), Long.toString(Meta.resourceVersion(existing)), false);
          storage.delete(type, null, name, onlyThisOne).join();
          continue; // created on the next pass, unless another replica was quicker
        }
        if (merge.apply(existing, expected).equals(existing)) {
          return;
        }
        storage
            .guaranteedUpdate(
                type,
                null,
                name,
                Meta.resourceVersion(existing),
                false,
                current -> merge.apply(current, expected))
            .join();
        return;
      } catch (RuntimeException e) {
        if (!lostRace(e)) {
          throw e;
        }
      }
    }
    throw new IllegalStateException(
        "the default RBAC object "
            + name
            + " kept changing under this replica; "
            + MAX_ATTEMPTS
            + " attempts to reconcile it lost a race");
  }

  /** A 409 (changed meanwhile) or 404 (deleted meanwhile): read again and judge anew. */
  private static boolean lostRace(RuntimeException e) {
    Throwable cause = ResourceStorage.unwrap(e);
    return cause instanceof ApiException api && (api.code() == 409 || api.code() == 404);
  }

  private static boolean autoupdate(ObjectNode obj) {
    return !"false"
        .equals(Meta.metadata(obj).path("annotations").path(BootstrapPolicy.AUTOUPDATE).asText());
  }

  /** The ClusterRole object of a default role. */
  public static ObjectNode roleObject(BootstrapPolicy.Role role) {
    ObjectNode obj = header("ClusterRole", role.name(), role.labels());
    if (!role.aggregateFrom().isEmpty()) {
      ArrayNode selectors = obj.putObject("aggregationRule").putArray("clusterRoleSelectors");
      for (String label : role.aggregateFrom()) {
        selectors.addObject().putObject("matchLabels").put(label, "true");
      }
    }
    ArrayNode rules = obj.putArray("rules");
    role.rules().forEach(r -> rules.add(r.toJson()));
    return obj;
  }

  static ObjectNode bindingObject(BootstrapPolicy.Binding binding) {
    ObjectNode obj = header("ClusterRoleBinding", binding.name(), Map.of());
    ObjectNode ref = obj.putObject("roleRef");
    ref.put("apiGroup", RbacAdmission.GROUP);
    ref.put("kind", "ClusterRole");
    ref.put("name", binding.role());
    ArrayNode subjects = obj.putArray("subjects");
    for (String group : binding.groups()) {
      subjects
          .addObject()
          .put("apiGroup", RbacAdmission.GROUP)
          .put("kind", "Group")
          .put("name", group);
    }
    return obj;
  }

  private static ObjectNode header(String kind, String name, Map<String, String> labels) {
    ObjectNode obj = Json.MAPPER.createObjectNode();
    obj.put("apiVersion", RbacAdmission.GROUP + "/v1");
    obj.put("kind", kind);
    ObjectNode meta = obj.putObject("metadata");
    meta.put("name", name);
    ObjectNode l = meta.putObject("labels");
    BootstrapPolicy.BOOTSTRAP_LABEL.forEach(l::put);
    labels.forEach(l::put);
    meta.putObject("annotations").put(BootstrapPolicy.AUTOUPDATE, "true");
    return obj;
  }

  /** {@code existing} with what {@code expected} has and it lacks. */
  static ObjectNode mergedRole(ObjectNode existing, ObjectNode expected) {
    ObjectNode merged = existing.deepCopy();
    mergeMetadata(merged, expected);
    List<PolicyRule> have = PolicyRule.rulesOf(merged);
    List<PolicyRule> missing = Escalation.uncovered(have, PolicyRule.rulesOf(expected));
    if (!missing.isEmpty()) {
      ArrayNode rules = merged.withArray("rules");
      missing.forEach(r -> rules.add(r.toJson()));
    }
    JsonNode wanted = expected.path("aggregationRule").path("clusterRoleSelectors");
    if (wanted.isArray() && !wanted.isEmpty()) {
      ArrayNode selectors = merged.with("aggregationRule").withArray("clusterRoleSelectors");
      List<JsonNode> present = new ArrayList<>();
      selectors.forEach(present::add);
      for (JsonNode s : wanted) {
        if (!present.contains(s)) {
          selectors.add(s.deepCopy());
        }
      }
    }
    return merged;
  }

  static ObjectNode mergedBinding(ObjectNode existing, ObjectNode expected) {
    ObjectNode merged = existing.deepCopy();
    mergeMetadata(merged, expected);
    ArrayNode subjects = merged.withArray("subjects");
    List<JsonNode> present = new ArrayList<>();
    subjects.forEach(present::add);
    for (JsonNode s : expected.path("subjects")) {
      if (!present.contains(s)) {
        subjects.add(s.deepCopy());
      }
    }
    return merged;
  }

  private static void mergeMetadata(ObjectNode merged, ObjectNode expected) {
    ObjectNode meta = Meta.metadata(merged);
    for (String field : List.of("labels", "annotations")) {
      JsonNode want = expected.path("metadata").path(field);
      ObjectNode have = meta.with(field);
      want.fields()
          .forEachRemaining(
              e -> {
                if (!have.has(e.getKey())) {
                  have.set(e.getKey(), e.getValue().deepCopy());
                }
              });
    }
  }
}
