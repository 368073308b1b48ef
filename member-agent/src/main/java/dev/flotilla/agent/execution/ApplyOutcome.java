package dev.flotilla.agent.execution;

/** What one apply or prune step did to a member object. */
enum ApplyOutcome {
  /** Already as wanted; nothing was sent. */
  NOOP,
  CREATED,
  PATCHED,
  DELETED,
  /** Left in the member, with the agent's label and annotations removed. */
  RELEASED,
  /** An unmanaged object exists and the Work does not allow taking it over. */
  CONFLICT,
  FAILED;

  boolean failed() {
    return this == CONFLICT || this == FAILED;
  }
}
