package dev.flotilla.apiserver.objects;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.registry.ResourceType;

/**
 * Kind-specific admission: defaults and validation that run before a write is stored. Hooks throw
 * {@link ApiException} to refuse; they run on every write path, dry runs included.
 */
public interface ObjectHook {
  /** Mutates and validates a new object. */
  default void beforeCreate(ResourceType type, ObjectNode obj) {}

  /** Mutates and validates an update; {@code old} must not be changed. */
  default void beforeUpdate(ResourceType type, ObjectNode old, ObjectNode updated) {}

  /** Marks an object whose deletion is requested; returns true to keep it pending. */
  default boolean onDeleteRequested(ResourceType type, ObjectNode obj) {
    return false;
  }
}
