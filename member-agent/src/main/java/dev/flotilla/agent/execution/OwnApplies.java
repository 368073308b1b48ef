package dev.flotilla.agent.execution;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The member object versions the agent's own applies returned, until the member's watch echoes
 * them. A reconcile already wrote the Work's status from the object its apply returned; the watch
 * event of that same version (same resourceVersion, so the same object) would queue a second
 * reconcile of the Work that finds nothing to do, one per applied object. Any other version, a
 * change by someone else or the member itself, is news and queues it as before.
 *
 * <p>The echo often arrives before the reply to the write that caused it (both come from the same
 * member, the event on another stream). So while an apply is in flight ({@link #applying}), events
 * of its object are held rather than judged: once the apply's version is known ({@link #applied}),
 * an event of that very version was its echo; any other held version is news, which {@link
 * #applied} reports so the caller queues the Work again.
 */
final class OwnApplies {
  /** What is known of the agent's own apply of an object: the version it returned, or in flight. */
  private sealed interface State permits Expected, InFlight {}

  private record Expected(String resourceVersion) implements State {}

  /** An apply in flight; {@code seen}: the last version its object's watch showed meanwhile. */
  private record InFlight(String seen) implements State {}

  private final Map<String, State> states = new ConcurrentHashMap<>();

  /** An apply of {@code object} (a key naming resource, namespace and name) is about to be sent. */
  void applying(String object) {
    states.put(object, new InFlight(null));
  }

  /**
   * The apply of {@code object} returned this version (null: it failed or wrote nothing). Returns
   * true when its watch showed another version while the apply was in flight: news the caller's
   * reconcile may not have seen.
   */
  boolean applied(String object, String resourceVersion) {
    State before =
        resourceVersion == null
            ? states.remove(object)
            : states.put(object, new Expected(resourceVersion));
    if (!(before instanceof InFlight f) || f.seen() == null) {
      return false;
    }
    if (f.seen().equals(resourceVersion)) {
      states.remove(object, new Expected(resourceVersion)); // its echo came already
      return false;
    }
    return true;
  }

  /**
   * True, once, when {@code resourceVersion} of {@code object} is the one the agent's own apply
   * returned: its echo. Also true while an apply of the object is in flight: the event is held, and
   * {@link #applied} tells whether it was news.
   */
  boolean echo(String object, String resourceVersion) {
    if (resourceVersion == null) {
      return false;
    }
    boolean[] held = {false};
    states.computeIfPresent(
        object,
        (k, s) -> {
          if (s instanceof InFlight) {
            held[0] = true;
            return new InFlight(resourceVersion);
          }
          if (s instanceof Expected e && e.resourceVersion().equals(resourceVersion)) {
            held[0] = true;
            return null;
          }
          return s;
        });
    return held[0];
  }

  /** The object went: whatever version comes next is not ours. */
  void forget(String object) {
    states.remove(object);
  }
}
