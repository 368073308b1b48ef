package dev.flotilla.agent.execution;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The member object versions the agent's own applies returned, until the member's watch echoes
 * them. A reconcile already wrote the Work's status from the object its apply returned; the watch
 * event of that same version (same resourceVersion, so the same object) would queue a second
 * reconcile of the Work that finds nothing to do, one per applied object. Any other version, a
 * change by someone else or the member itself, is news and queues it as before.
 */
final class OwnApplies {
  private final Map<String, String> versions = new ConcurrentHashMap<>();

  /**
   * The apply of {@code object} (a key naming resource, namespace and name) returned this version.
   */
  void applied(String object, String resourceVersion) {
    if (resourceVersion != null) {
      versions.put(object, resourceVersion);
    }
  }

  /**
   * True, once, when {@code resourceVersion} of {@code object} is the one the agent's own apply
   * returned: its echo.
   */
  boolean echo(String object, String resourceVersion) {
    return resourceVersion != null && versions.remove(object, resourceVersion);
  }

  /** The object went: whatever version comes next is not ours. */
  void forget(String object) {
    versions.remove(object);
  }
}
