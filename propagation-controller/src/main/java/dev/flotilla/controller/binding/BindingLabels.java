package dev.flotilla.controller.binding;

import com.fasterxml.jackson.databind.JsonNode;

/** How Works point back at their binding (Karmada's label and annotation names). */
public final class BindingLabels {
  public static final String RB_ID = "resourcebinding.karmada.io/permanent-id";
  public static final String CRB_ID = "clusterresourcebinding.karmada.io/permanent-id";
  public static final String RB_NAME_ANNOTATION = "resourcebinding.karmada.io/name";
  public static final String CRB_NAME_ANNOTATION = "clusterresourcebinding.karmada.io/name";
  public static final String BINDING_NAMESPACE_ANNOTATION = "resourcebinding.karmada.io/namespace";

  private BindingLabels() {}

  static boolean clusterScoped(JsonNode binding) {
    return "ClusterResourceBinding".equals(binding.path("kind").asText());
  }

  static String bindingIdLabel(JsonNode binding) {
    return clusterScoped(binding) ? CRB_ID : RB_ID;
  }

  static String bindingNameAnnotation(JsonNode binding) {
    return clusterScoped(binding) ? CRB_NAME_ANNOTATION : RB_NAME_ANNOTATION;
  }
}
