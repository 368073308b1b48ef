package dev.flotilla.controller.runtime;

import io.fabric8.kubernetes.api.model.HasMetadata;

/** Queue keys: "namespace/name" for namespaced objects, "name" for cluster-scoped ones. */
public final class Keys {
  private Keys() {}

  public static String of(HasMetadata obj) {
    String ns = obj.getMetadata().getNamespace();
    return ns == null || ns.isEmpty()
        ? obj.getMetadata().getName()
        : ns + "/" + obj.getMetadata().getName();
  }

  public static String of(String namespace, String name) {
    return namespace == null || namespace.isEmpty() ? name : namespace + "/" + name;
  }

  public static String namespace(String key) {
    int slash = key.indexOf('/');
    return slash < 0 ? null : key.substring(0, slash);
  }

  public static String name(String key) {
    return key.substring(key.indexOf('/') + 1);
  }
}
