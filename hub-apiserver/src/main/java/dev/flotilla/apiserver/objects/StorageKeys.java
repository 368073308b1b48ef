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

  /** Namespace (null for a cluster-scoped type) and name of an object by its key. */
  public record ObjectName(String namespace, String name) {}

  /** The inverse of {@link #key}: names never hold a '/', so the first one splits. */
  public static ObjectName name(ResourceType type, String key) {
    String rest = key.substring(resourcePrefix(type).length());
    int slash = rest.indexOf('/');
    return type.namespaced() && slash >= 0
        ? new ObjectName(rest.substring(0, slash), rest.substring(slash + 1))
        : new ObjectName(null, rest);
  }
}
