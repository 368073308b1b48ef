package dev.flotilla.agent.execution;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.agent.kube.Json;

/**
 * Which member object a manifest means, independent of API version: two manifests with the same
 * group, kind, namespace and name are the same object. Cluster-scoped objects have an empty
 * namespace.
 */
record ObjectKey(String group, String kind, String namespace, String name) {

  static ObjectKey of(String apiVersion, String kind, String namespace, String name) {
    return new ObjectKey(groupOf(apiVersion), kind, namespace == null ? "" : namespace, name);
  }

  /** The key of a live or desired object (namespace as written in it). */
  static ObjectKey of(JsonNode obj) {
    return of(
        Json.text(obj, "apiVersion"), Json.text(obj, "kind"), Json.namespace(obj), Json.name(obj));
  }

  static String groupOf(String apiVersion) {
    if (apiVersion == null) {
      return "";
    }
    int slash = apiVersion.indexOf('/');
    return slash < 0 ? "" : apiVersion.substring(0, slash);
  }

  static String versionOf(String apiVersion) {
    return apiVersion == null ? "" : apiVersion.substring(apiVersion.indexOf('/') + 1);
  }

  @Override
  public String toString() {
    String gk = group.isEmpty() ? kind : kind + "." + group;
    return gk + " " + (namespace.isEmpty() ? name : namespace + "/" + name);
  }
}
