package dev.flotilla.controller.detector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.controller.runtime.Trees;
import dev.flotilla.policies.interpreter.ResourceInterpreter;
import dev.flotilla.policies.names.Names;

/**
 * The ResourceBinding (or ClusterResourceBinding) a claimed template should have: a reference to
 * the template, its replicas and the policy's placement and behaviour. The scheduler owns
 * spec.clusters, so it is carried over from the existing binding.
 */
public final class DesiredBinding {
  public static final String FINALIZER = "karmada.io/binding-controller";

  private DesiredBinding() {}

  public static ObjectNode of(
      JsonNode template, JsonNode policy, boolean clusterPolicy, JsonNode existing) {
    String namespace = Trees.text(template, "metadata", "namespace");
    String name = Trees.text(template, "metadata", "name");
    String kind = Trees.text(template, "kind");
    ObjectNode binding =
        existing == null ? Trees.MAPPER.createObjectNode() : (ObjectNode) existing.deepCopy();
    binding.put("apiVersion", "work.karmada.io/v1alpha2");
    binding.put("kind", namespace == null ? "ClusterResourceBinding" : "ResourceBinding");
    ObjectNode meta = binding.with("metadata");
    meta.put("name", Names.bindingName(name, kind));
    if (namespace != null) {
      meta.put("namespace", namespace);
    }
    ObjectNode labels = meta.with("labels");
    ObjectNode annotations = meta.with("annotations");
    String policyName = Trees.text(policy, "metadata", "name");
    if (clusterPolicy) {
      annotations.put(Names.CPP_NAME_ANNOTATION, policyName);
      annotations.remove(Names.PP_NAME_ANNOTATION);
      annotations.remove(Names.PP_NAMESPACE_ANNOTATION);
    } else {
      annotations.put(Names.PP_NAME_ANNOTATION, policyName);
      annotations.put(Names.PP_NAMESPACE_ANNOTATION, Trees.text(policy, "metadata", "namespace"));
      annotations.remove(Names.CPP_NAME_ANNOTATION);
    }
    String policyUid = Trees.text(policy, "metadata", "uid");
    if (policyUid != null) {
      labels.put(
          clusterPolicy ? Names.CPP_PERMANENT_ID_LABEL : Names.PP_PERMANENT_ID_LABEL, policyUid);
    }
    ObjectNode owner = Trees.MAPPER.createObjectNode();
    owner.put("apiVersion", Trees.text(template, "apiVersion"));
    owner.put("kind", kind);
    owner.put("name", name);
    owner.put("uid", Trees.text(template, "metadata", "uid"));
    owner.put("controller", true);
    owner.put("blockOwnerDeletion", true);
    meta.putArray("ownerReferences").add(owner);
    if (!containsText(meta.path("finalizers"), FINALIZER)) {
      meta.withArray("finalizers").add(FINALIZER);
    }
    ObjectNode spec = binding.with("spec");
    ObjectNode resource = spec.putObject("resource");
    resource.put("apiVersion", Trees.text(template, "apiVersion"));
    resource.put("kind", kind);
    if (namespace != null) {
      resource.put("namespace", namespace);
    }
    resource.put("name", name);
    resource.put("uid", Trees.text(template, "metadata", "uid"));
    resource.put("resourceVersion", Trees.text(template, "metadata", "resourceVersion"));
    JsonNode replicas = template.path("spec").path("replicas");
    if (replicas.isIntegralNumber()) {
      spec.put("replicas", replicas.asInt());
    } else {
      spec.remove("replicas");
    }
    JsonNode policySpec = policy.path("spec");
    copy(policySpec, spec, "placement");
    copy(policySpec, spec, "propagateDeps");
    copy(policySpec, spec, "schedulerName");
    copy(policySpec, spec, "failover");
    copy(policySpec, spec, "suspension");
    copy(policySpec, spec, "preserveResourcesOnDeletion");
    String conflict =
        Trees.text(template, "metadata", "annotations", Names.CONFLICT_RESOLUTION_ANNOTATION);
    if (conflict != null) {
      spec.put(
          "conflictResolution", conflict.equalsIgnoreCase("overwrite") ? "Overwrite" : "Abort");
    } else {
      spec.put("conflictResolution", policySpec.path("conflictResolution").asText("Abort"));
    }
    return binding;
  }

  /**
   * Replicas and per-replica requirements from a replicaResource script, when one applies to the
   * template's kind; otherwise the built-in reading above stands and no requirements are set.
   *
   * @throws dev.flotilla.policies.interpreter.InterpretationException when the script fails
   */
  public static void interpretReplicas(
      ObjectNode binding, JsonNode template, ResourceInterpreter interpreter) {
    ObjectNode spec = binding.with("spec");
    var interpreted = interpreter.replicas(template);
    if (interpreted.isEmpty()) {
      spec.remove("replicaRequirements");
      return;
    }
    spec.put("replicas", interpreted.get().replicas());
    if (interpreted.get().requirements() == null) {
      spec.remove("replicaRequirements");
    } else {
      spec.set("replicaRequirements", interpreted.get().requirements());
    }
  }

  private static void copy(JsonNode from, ObjectNode to, String field) {
    if (from.has(field) && !from.get(field).isNull()) {
      to.set(field, from.get(field).deepCopy());
    } else {
      to.remove(field);
    }
  }

  static boolean containsText(JsonNode array, String value) {
    for (JsonNode n : array) {
      if (value.equals(n.asText())) {
        return true;
      }
    }
    return false;
  }
}
