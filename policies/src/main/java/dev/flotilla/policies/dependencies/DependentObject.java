package dev.flotilla.policies.dependencies;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One object a workload needs beside it, as Karmada's {@code DependentObjectReference}: what the
 * binding's {@code resourcebinding.karmada.io/dependencies} annotation lists.
 */
public record DependentObject(String apiVersion, String kind, String namespace, String name) {

  /** The reference as Karmada writes it into the dependencies annotation. */
  public ObjectNode toJson() {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("apiVersion", apiVersion);
    n.put("kind", kind);
    n.put("namespace", namespace);
    n.put("name", name);
    return n;
  }
}
