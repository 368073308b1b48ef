package dev.flotilla.apiserver.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.CreateIfAbsent;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.objects.Meta;
import dev.flotilla.apiserver.objects.ResourceStorage;
import dev.flotilla.apiserver.registry.ResourceType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes the {@link BootstrapPolicy} at start, as kube-apiserver's RBAC post-start hook: missing
 * objects are created; existing ones not annotated {@code rbac.authorization.kubernetes.io/
 * autoupdate: "false"} get back any missing rule, aggregation selector, subject, label and
 * annotation (nothing an administrator added is removed); a binding whose roleRef changed is
 * recreated.
 */
public final class PolicyBootstrap {
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
      ObjectNode expected = roleObject(role);
      Optional<ObjectNode> existing = storage.find(clusterRoles, null, role.name());
      if (existing.isEmpty()) {
        CreateIfAbsent.create(storage, clusterRoles, null, expected);
      } else if (autoupdate(existing.get())) {
        ObjectNode merged = mergedRole(existing.get(), expected);
        if (!merged.equals(existing.get())) {
          storage
              .guaranteedUpdate(
                  clusterRoles, null, role.name(), 0, false, c -> mergedRole(c, expected))
              .join();
        }
      }
    }
    for (BootstrapPolicy.Binding binding : BootstrapPolicy.clusterRoleBindings()) {
      ObjectNode expected = bindingObject(binding);
      Optional<ObjectNode> existing = storage.find(clusterRoleBindings, null, binding.name());
      if (existing.isEmpty()) {
        CreateIfAbsent.create(storage, clusterRoleBindings, null, expected);
      } else if (autoupdate(existing.get())) {
        if (!existing.get().path("roleRef").equals(expected.path("roleRef"))) {
          storage
              .delete(
                  clusterRoleBindings,
                  null,
                  binding.name(),
                  dev.flotilla.apiserver.objects.DeleteOptions.DEFAULT)
              .join();
          CreateIfAbsent.create(storage, clusterRoleBindings, null, expected);
          continue;
        }
        ObjectNode merged = mergedBinding(existing.get(), expected);
        if (!merged.equals(existing.get())) {
          storage
              .guaranteedUpdate(
                  clusterRoleBindings,
                  null,
                  binding.name(),
                  0,
                  false,
                  c -> mergedBinding(c, expected))
              .join();
        }
      }
    }
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
