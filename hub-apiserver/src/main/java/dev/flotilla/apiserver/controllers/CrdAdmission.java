package dev.flotilla.apiserver.controllers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.objects.Meta;
import dev.flotilla.apiserver.objects.ObjectHook;
import dev.flotilla.apiserver.registry.ResourceRegistry;
import dev.flotilla.apiserver.registry.ResourceType;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Validates CustomResourceDefinitions and fills their status at write time, so a CRD is Established
 * the moment its create is acknowledged (clients wait for that condition).
 */
final class CrdAdmission implements ObjectHook {
  static final String CLEANUP_FINALIZER = "customresourcecleanup.apiextensions.k8s.io";

  private final ResourceRegistry registry;

  CrdAdmission(ResourceRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void beforeCreate(ResourceType type, ObjectNode crd) {
    validate(type, crd, null);
    ArrayNode finalizers = Meta.finalizers(crd);
    if (finalizers == null) {
      finalizers = Meta.metadata(crd).putArray("finalizers");
    }
    finalizers.add(CLEANUP_FINALIZER);
    crd.set("status", status(crd, null));
  }

  @Override
  public void beforeUpdate(ResourceType type, ObjectNode old, ObjectNode crd) {
    validate(type, crd, old);
    String oldScope = old.path("spec").path("scope").asText();
    if (!oldScope.equals(crd.path("spec").path("scope").asText())) {
      throw ApiException.invalid(
          type, Meta.name(crd), "spec.scope", "Invalid value: field is immutable");
    }
    if (!Meta.isDeleting(crd)) {
      crd.set("status", status(crd, old.path("status")));
    }
  }

  @Override
  public boolean onDeleteRequested(ResourceType type, ObjectNode crd) {
    ObjectNode status = crd.with("status");
    ArrayNode conditions = status.withArray("conditions");
    for (JsonNode c : conditions) {
      if (c.path("type").asText().equals("Terminating")) {
        return false;
      }
    }
    conditions.add(
        condition(
            "Terminating",
            "True",
            "InstanceDeletionInProgress",
            "CustomResource deletion is in progress"));
    return false;
  }

  private void validate(ResourceType type, ObjectNode crd, ObjectNode old) {
    JsonNode spec = crd.path("spec");
    String name = Meta.name(crd);
    List<ApiException.Cause> causes = new ArrayList<>();
    String group = spec.path("group").asText("");
    String plural = spec.path("names").path("plural").asText("");
    if (group.isEmpty() || !group.contains(".")) {
      causes.add(cause("spec.group", "should be a domain with at least one dot"));
    }
    if (plural.isEmpty()) {
      causes.add(cause("spec.names.plural", "Required value"));
    }
    if (spec.path("names").path("kind").asText("").isEmpty()) {
      causes.add(cause("spec.names.kind", "Required value"));
    }
    if (!(plural + "." + group).equals(name)) {
      causes.add(
          cause(
              "metadata.name",
              "Invalid value: \"" + name + "\": must be spec.names.plural+\".\"+spec.group"));
    }
    String scope = spec.path("scope").asText("");
    if (!scope.equals("Namespaced") && !scope.equals("Cluster")) {
      causes.add(
          cause(
              "spec.scope",
              "Unsupported value: \""
                  + scope
                  + "\": supported values: \"Cluster\", \"Namespaced\""));
    }
    int storage = 0;
    Set<String> versions = new LinkedHashSet<>();
    for (JsonNode v : spec.path("versions")) {
      storage += v.path("storage").asBoolean(false) ? 1 : 0;
      if (!versions.add(v.path("name").asText())) {
        causes.add(cause("spec.versions", "Duplicate value: \"" + v.path("name").asText() + "\""));
      }
    }
    if (versions.isEmpty()) {
      causes.add(cause("spec.versions", "Invalid value: must have at least one version"));
    } else if (storage != 1) {
      causes.add(
          cause(
              "spec.versions",
              "Invalid value: must have exactly one version marked as" + " storage version"));
    }
    for (ResourceType t : registry.all()) {
      if (t.builtin() && t.group().equals(group) && t.plural().equals(plural)) {
        causes.add(
            cause(
                "spec.group",
                "Invalid value: \""
                    + group
                    + "\": the resource is already served by the server itself"));
      }
    }
    CrdPatterns.check(spec, old == null ? null : old.path("spec"), causes);
    if (!causes.isEmpty()) {
      throw ApiException.invalid(type, name, causes);
    }
  }

  private static ObjectNode status(ObjectNode crd, JsonNode oldStatus) {
    ObjectNode status = crd.objectNode();
    status.set("acceptedNames", crd.path("spec").path("names").deepCopy());
    ArrayNode conditions = status.putArray("conditions");
    conditions.add(condition("NamesAccepted", "True", "NoConflicts", "no conflicts found"));
    conditions.add(
        condition(
            "Established", "True", "InitialNamesAccepted", "the initial names have been accepted"));
    Set<String> stored = new LinkedHashSet<>();
    if (oldStatus != null) {
      oldStatus.path("storedVersions").forEach(v -> stored.add(v.asText()));
    }
    for (JsonNode v : crd.path("spec").path("versions")) {
      if (v.path("storage").asBoolean(false)) {
        stored.add(v.path("name").asText());
      }
    }
    ArrayNode storedVersions = status.putArray("storedVersions");
    stored.forEach(storedVersions::add);
    return status;
  }

  private static ObjectNode condition(String type, String status, String reason, String message) {
    ObjectNode c = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    c.put("type", type);
    c.put("status", status);
    c.put("lastTransitionTime", Meta.now());
    c.put("reason", reason);
    c.put("message", message);
    return c;
  }

  private static ApiException.Cause cause(String field, String message) {
    return new ApiException.Cause("FieldValueInvalid", field, message);
  }
}
