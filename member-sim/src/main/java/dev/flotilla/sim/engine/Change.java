package dev.flotilla.sim.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.registry.ResourceType;

/**
 * One observed change to an object: before and after (shared, read-only).
 *
 * @param oldObject the object before the change, null for a create or the initial listing
 * @param newObject the object after the change, null for a delete
 */
public record Change(
    ResourceType type, String namespace, String name, ObjectNode oldObject, ObjectNode newObject) {

  public boolean deleted() {
    return newObject == null;
  }

  /** The newest state known: the object, or its last state when deleted. */
  public ObjectNode latest() {
    return newObject != null ? newObject : oldObject;
  }

  /** The "namespace/name" (or "name" for cluster-scoped kinds) queue key. */
  public String key() {
    return Keys.of(namespace, name);
  }
}
