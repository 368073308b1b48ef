package dev.flotilla.controller.runtime;

import java.time.Duration;

/**
 * Level-based reconciliation of one key ("namespace/name" or "name"): read the cache, compute the
 * desired state, apply it. Return {@link Result#DONE} or ask to look again later; throwing requeues
 * with per-key exponential backoff.
 */
@FunctionalInterface
public interface Reconciler {
  Result reconcile(String key) throws Exception;

  /** What the controller should do with the key next. */
  record Result(Duration requeueAfter) {
    public static final Result DONE = new Result(null);

    public static Result after(Duration d) {
      return new Result(d);
    }
  }
}
