package dev.flotilla.controller.binding;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.Map;
import java.util.Optional;

/** Queue key of a binding: "rb|namespace/name" or "crb|name". */
record BindingKey(boolean clusterScoped, String namespace, String name) {

  static String of(GenericKubernetesResource binding) {
    boolean crb = "ClusterResourceBinding".equals(binding.getKind());
    return crb
        ? "crb|" + binding.getMetadata().getName()
        : "rb|" + binding.getMetadata().getNamespace() + "/" + binding.getMetadata().getName();
  }

  /** The binding a Work belongs to, from the annotations the binding controller writes. */
  static Optional<String> ofWork(GenericKubernetesResource work) {
    Map<String, String> a = work.getMetadata().getAnnotations();
    if (a == null) {
      return Optional.empty();
    }
    if (a.containsKey(BindingLabels.CRB_NAME_ANNOTATION)) {
      return Optional.of("crb|" + a.get(BindingLabels.CRB_NAME_ANNOTATION));
    }
    if (a.containsKey(BindingLabels.RB_NAME_ANNOTATION)
        && a.containsKey(BindingLabels.BINDING_NAMESPACE_ANNOTATION)) {
      return Optional.of(
          "rb|"
              + a.get(BindingLabels.BINDING_NAMESPACE_ANNOTATION)
              + "/"
              + a.get(BindingLabels.RB_NAME_ANNOTATION));
    }
    return Optional.empty();
  }

  static BindingKey parse(String key) {
    if (key.startsWith("crb|")) {
      return new BindingKey(true, null, key.substring(4));
    }
    String rest = key.substring(3);
    int slash = rest.indexOf('/');
    return new BindingKey(false, rest.substring(0, slash), rest.substring(slash + 1));
  }

  String cacheKey() {
    return clusterScoped ? name : namespace + "/" + name;
  }
}
