package dev.flotilla.policies.override;

/**
 * An override rule could not be applied (bad path, unparsable image, wrong type); nothing should be
 * dispatched.
 */
public final class OverrideException extends RuntimeException {

  public OverrideException(String message) {
    super(message);
  }

  public OverrideException(String message, Throwable cause) {
    super(message, cause);
  }
}
