package dev.flotilla.sim.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.Meta;

/** Queue keys: "namespace/name", or "name" for cluster-scoped objects (as client-go's). */
public final class Keys {
  private Keys() {}

  public static String of(String namespace, String name) {
    return namespace == null || namespace.isEmpty() ? name : namespace + "/" + name;
  }

  public static String of(ObjectNode obj) {
    return of(Meta.namespace(obj), Meta.name(obj));
  }

  /** The namespace part of a key, null for a cluster-scoped key. */
  public static String namespace(String key) {
    int slash = key.indexOf('/');
    return slash < 0 ? null : key.substring(0, slash);
  }

  public static String name(String key) {
    return key.substring(key.indexOf('/') + 1);
  }
}
