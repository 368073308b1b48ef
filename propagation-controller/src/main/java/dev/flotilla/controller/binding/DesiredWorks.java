package dev.flotilla.controller.binding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.controller.runtime.Trees;
import dev.flotilla.policies.dependencies.AttachedBindings;
import dev.flotilla.policies.interpreter.ResourceInterpreter;
import dev.flotilla.policies.names.Names;
import dev.flotilla.policies.override.OverrideResult;
import dev.flotilla.policies.override.Overrides;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Works a scheduled binding should have, one per target cluster: the template stripped of what
 * belongs to the hub, replicas revised for Divided scheduling, overrides applied in Karmada's
 * order. Pure: the binding controller applies the result.
 */
public final class DesiredWorks {
  /** Metadata the hub owns; members assign their own. */
  private static final List<String> HUB_METADATA =
      List.of(
          "uid",
          "resourceVersion",
          "generation",
          "creationTimestamp",
          "managedFields",
          "ownerReferences",
          "deletionTimestamp",
          "deletionGracePeriodSeconds",
          "selfLink",
          "finalizers");

  private DesiredWorks() {}

  /**
   * Works keyed by cluster name.
   *
   * @param clusters the hub's Cluster objects by name (override rules select on their labels)
   */
  public static Map<String, ObjectNode> of(
      JsonNode binding,
      JsonNode template,
      Map<String, JsonNode> clusters,
      List<JsonNode> clusterOverridePolicies,
      List<JsonNode> overridePolicies) {
    return of(binding, template, clusters, clusterOverridePolicies, overridePolicies, null);
  }

  /**
   * As above, revising replicas with {@code interpreter}'s replicaRevision script where one applies
   * to the template's kind (null: built-in only).
   *
   * @throws dev.flotilla.policies.interpreter.InterpretationException when that script fails
   */
  public static Map<String, ObjectNode> of(
      JsonNode binding,
      JsonNode template,
      Map<String, JsonNode> clusters,
      List<JsonNode> clusterOverridePolicies,
      List<JsonNode> overridePolicies,
      ResourceInterpreter interpreter) {
    Map<String, ObjectNode> works = new LinkedHashMap<>();
    JsonNode spec = binding.path("spec");
    boolean divided = isDivided(spec.path("placement"));
    List<JsonNode> targets = AttachedBindings.targetClusters(spec);
    // A dependency also goes where its requirers are (Karmada's requiredBy snapshots).
    for (JsonNode target : targets) {
      String cluster = target.path("name").asText();
      ObjectNode manifest = manifest(template);
      var revised =
          divided && target.has("replicas") && interpreter != null
              ? interpreter.reviseReplica(manifest, target.path("replicas").asLong())
              : java.util.Optional.<ObjectNode>empty();
      if (revised.isPresent()) {
        manifest = revised.get();
      } else if (divided && target.has("replicas") && manifest.path("spec").has("replicas")) {
        manifest.with("spec").put("replicas", target.path("replicas").asInt());
      }
      if (targets.size() == 1) {
        injectPreservedState(spec, cluster, manifest);
      }
      OverrideResult overridden =
          Overrides.apply(
              manifest, cluster, clusters.get(cluster), clusterOverridePolicies, overridePolicies);
      works.put(cluster, work(binding, template, cluster, overridden));
    }
    return works;
  }

  /**
   * Karmada's injectReservedLabelState: a workload moved whole to one new cluster by a Directly
   * purged eviction gets the state its old copy had, as labels.
   */
  private static void injectPreservedState(JsonNode spec, String cluster, ObjectNode manifest) {
    JsonNode tasks = spec.path("gracefulEvictionTasks");
    if (tasks.isEmpty()) {
      return;
    }
    JsonNode last = tasks.get(tasks.size() - 1);
    if (!"Directly".equals(last.path("purgeMode").asText())) {
      return;
    }
    for (JsonNode before : last.path("clustersBeforeFailover")) {
      if (cluster.equals(before.asText())) {
        return;
      }
    }
    var state = last.path("preservedLabelState").fields();
    while (state.hasNext()) {
      var e = state.next();
      manifest.with("metadata").with("labels").put(e.getKey(), e.getValue().asText());
    }
  }

  private static boolean isDivided(JsonNode placement) {
    JsonNode rs = placement.path("replicaScheduling");
    return !rs.isMissingNode() && !"Duplicated".equals(rs.path("replicaSchedulingType").asText());
  }

  /** The template as members should receive it. */
  static ObjectNode manifest(JsonNode template) {
    ObjectNode m = template.deepCopy();
    m.remove("status");
    HubAllocatedFields.strip(m, template);
    ObjectNode meta = m.with("metadata");
    HUB_METADATA.forEach(meta::remove);
    JsonNode annotations = meta.path("annotations");
    if (annotations instanceof ObjectNode) {
      ObjectNode a = (ObjectNode) annotations;
      a.remove("kubectl.kubernetes.io/last-applied-configuration");
      a.remove(Names.PP_NAME_ANNOTATION);
      a.remove(Names.PP_NAMESPACE_ANNOTATION);
      a.remove(Names.CPP_NAME_ANNOTATION);
      if (a.isEmpty()) {
        meta.remove("annotations");
      }
    }
    JsonNode labels = meta.path("labels");
    if (labels instanceof ObjectNode) {
      ObjectNode l = (ObjectNode) labels;
      l.remove(Names.PP_PERMANENT_ID_LABEL);
      l.remove(Names.CPP_PERMANENT_ID_LABEL);
      if (l.isEmpty()) {
        meta.remove("labels");
      }
    }
    return m;
  }

  private static ObjectNode work(
      JsonNode binding, JsonNode template, String cluster, OverrideResult overridden) {
    ObjectNode manifest = overridden.object();
    ObjectNode work = Trees.MAPPER.createObjectNode();
    work.put("apiVersion", "work.karmada.io/v1alpha1");
    work.put("kind", "Work");
    ObjectNode meta = work.putObject("metadata");
    meta.put(
        "name",
        Names.workName(
            Trees.text(template, "metadata", "namespace"),
            Trees.text(template, "metadata", "name"),
            Trees.text(template, "kind")));
    meta.put("namespace", Names.executionNamespace(cluster));
    ObjectNode labels = meta.putObject("labels");
    labels.put(BindingLabels.bindingIdLabel(binding), Trees.text(binding, "metadata", "uid"));
    labels.put(Names.MANAGED_LABEL, "true");
    ObjectNode annotations = meta.putObject("annotations");
    annotations.put(
        BindingLabels.bindingNameAnnotation(binding), Trees.text(binding, "metadata", "name"));
    String bindingNamespace = Trees.text(binding, "metadata", "namespace");
    if (bindingNamespace != null) {
      annotations.put(BindingLabels.BINDING_NAMESPACE_ANNOTATION, bindingNamespace);
    }
    annotations.put(
        Names.RESOURCE_TEMPLATE_UID_ANNOTATION, Trees.text(template, "metadata", "uid"));
    annotations.put(
        Names.CONFLICT_RESOLUTION_ANNOTATION,
        "Overwrite".equals(binding.path("spec").path("conflictResolution").asText())
            ? "overwrite"
            : "abort");
    if (overridden.clusterOverridesAnnotation() != null) {
      annotations.put(
          Names.APPLIED_CLUSTER_OVERRIDES_ANNOTATION, overridden.clusterOverridesAnnotation());
    }
    if (overridden.overridesAnnotation() != null) {
      annotations.put(Names.APPLIED_OVERRIDES_ANNOTATION, overridden.overridesAnnotation());
    }
    ObjectNode spec = work.putObject("spec");
    spec.putObject("workload").putArray("manifests").add(manifest);
    JsonNode bspec = binding.path("spec");
    if (bspec.path("preserveResourcesOnDeletion").asBoolean(false)) {
      spec.put("preserveResourcesOnDeletion", true);
    }
    if (suspended(bspec.path("suspension"), cluster)) {
      spec.put("suspendDispatching", true);
    }
    return work;
  }

  private static boolean suspended(JsonNode suspension, String cluster) {
    if (suspension.path("dispatching").asBoolean(false)) {
      return true;
    }
    for (JsonNode c : suspension.path("dispatchingOnClusters").path("clusterNames")) {
      if (cluster.equals(c.asText())) {
        return true;
      }
    }
    return false;
  }
}
