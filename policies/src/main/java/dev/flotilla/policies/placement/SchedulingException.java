package dev.flotilla.policies.placement;

/**
 * Scheduling failed after filtering. {@code unschedulable} marks capacity shortfalls (Karmada's
 * UnschedulableError, reason "Unschedulable"); other failures (spread constraints that cannot be
 * met) are reported with reason "SchedulerError" as Karmada does.
 */
public final class SchedulingException extends Exception {

  private final boolean unschedulable;

  public SchedulingException(String message, boolean unschedulable) {
    super(message);
    this.unschedulable = unschedulable;
  }

  public boolean unschedulable() {
    return unschedulable;
  }
}
