package dev.flotilla.controller.detector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.controller.runtime.MergePatch;
import dev.flotilla.controller.runtime.Trees;
import dev.flotilla.policies.names.Names;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The marks a claimed template carries, as Karmada writes them: the policy's name (and namespace)
 * as annotations and its permanent id as a label. A template whose policy is gone loses its marks,
 * but its binding and the member copies stay, as in Karmada.
 */
final class ClaimMarks {
  private ClaimMarks() {}

  /** Writes the claim marks if missing; returns the template as stored after that, or as given. */
  static JsonNode claim(
      KubernetesClient hub,
      TemplateRef ref,
      JsonNode template,
      JsonNode policy,
      boolean clusterPolicy) {
    ObjectNode annotations = Trees.MAPPER.createObjectNode();
    ObjectNode labels = Trees.MAPPER.createObjectNode();
    String uid = Trees.text(policy, "metadata", "uid");
    if (clusterPolicy) {
      annotations.put(Names.CPP_NAME_ANNOTATION, Trees.text(policy, "metadata", "name"));
      labels.put(Names.CPP_PERMANENT_ID_LABEL, uid);
      annotations.putNull(Names.PP_NAME_ANNOTATION);
      annotations.putNull(Names.PP_NAMESPACE_ANNOTATION);
      labels.putNull(Names.PP_PERMANENT_ID_LABEL);
    } else {
      annotations.put(Names.PP_NAME_ANNOTATION, Trees.text(policy, "metadata", "name"));
      annotations.put(Names.PP_NAMESPACE_ANNOTATION, Trees.text(policy, "metadata", "namespace"));
      labels.put(Names.PP_PERMANENT_ID_LABEL, uid);
      annotations.putNull(Names.CPP_NAME_ANNOTATION);
      labels.putNull(Names.CPP_PERMANENT_ID_LABEL);
    }
    if (!differs(template, annotations, labels)) {
      return template;
    }
    return Trees.tree(patch(hub, ref, annotations, labels));
  }

  /** Drops the marks of a claim whose policy no longer matches or exists. */
  static void release(KubernetesClient hub, TemplateRef ref, JsonNode template) {
    ObjectNode annotations = Trees.MAPPER.createObjectNode();
    ObjectNode labels = Trees.MAPPER.createObjectNode();
    annotations.putNull(Names.PP_NAME_ANNOTATION);
    annotations.putNull(Names.PP_NAMESPACE_ANNOTATION);
    annotations.putNull(Names.CPP_NAME_ANNOTATION);
    labels.putNull(Names.PP_PERMANENT_ID_LABEL);
    labels.putNull(Names.CPP_PERMANENT_ID_LABEL);
    if (differs(template, annotations, labels)) {
      patch(hub, ref, annotations, labels);
    }
  }

  /** True when applying the merge patch would change the template. */
  private static boolean differs(JsonNode template, ObjectNode annotations, ObjectNode labels) {
    return differs(template.path("metadata").path("annotations"), annotations)
        || differs(template.path("metadata").path("labels"), labels);
  }

  private static boolean differs(JsonNode current, ObjectNode wanted) {
    var fields = wanted.fields();
    while (fields.hasNext()) {
      var e = fields.next();
      JsonNode have = current.get(e.getKey());
      if (e.getValue().isNull()
          ? have != null
          : have == null || !have.asText().equals(e.getValue().asText())) {
        return true;
      }
    }
    return false;
  }

  private static io.fabric8.kubernetes.api.model.GenericKubernetesResource patch(
      KubernetesClient hub, TemplateRef ref, ObjectNode annotations, ObjectNode labels) {
    ObjectNode patch = Trees.MAPPER.createObjectNode();
    ObjectNode meta = patch.putObject("metadata");
    meta.set("annotations", annotations);
    meta.set("labels", labels);
    return MergePatch.apply(
        hub, ref.apiVersion(), ref.kind(), ref.namespace(), ref.name(), patch.toString());
  }
}
