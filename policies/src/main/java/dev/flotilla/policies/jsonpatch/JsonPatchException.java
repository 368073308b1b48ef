package dev.flotilla.policies.jsonpatch;

/**
 * A JSON patch that was refused: either malformed (not a list of well-formed operations, a client
 * error whatever the document) or well-formed but not applicable to this document.
 */
public final class JsonPatchException extends RuntimeException {
  private final boolean malformed;
  private final String reason;

  JsonPatchException(boolean malformed, String where, String reason) {
    super(where.isEmpty() ? reason : where + ": " + reason);
    this.malformed = malformed;
    this.reason = reason;
  }

  /** True when the patch itself is wrong (HTTP 400), false when it does not apply (422). */
  public boolean malformed() {
    return malformed;
  }

  /** What went wrong, without naming the operation (the message names it). */
  public String reason() {
    return reason;
  }
}
