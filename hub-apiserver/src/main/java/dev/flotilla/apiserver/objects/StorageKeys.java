package dev.flotilla.apiserver.objects;

import dev.flotilla.apiserver.registry.ResourceType;

/**
 * Storage keys: {@code /registry/<group>/<resource>/[<namespace>/]<name>}, one key space per
 * group-resource whatever version a client speaks ("core" stands for the legacy group).
 */
public final class StorageKeys {
  public static final String ROOT = "/registry/";

  private StorageKeys() {}

  public static String resourcePrefix(ResourceType type) {
    return ROOT + (type.group().isEmpty() ? "core" : type.group()) + "/" + type.plural() + "/";
  }

  /** The prefix for listing: one namespace, or all of them when {@code namespace} is null. */
  public static String listPrefix(ResourceType type, String namespace) {
    String base = resourcePrefix(type);
    return namespace == null || !type.namespaced() ? base : base + namespace + "/";
  }

  public static String key(ResourceType type, String namespace, String name) {
    return listPrefix(type, namespace) + name;
  }
}
