package dev.flotilla.policies.interpreter;

/**
 * A customization script failed for an object; the message names the customization, the operation
 * and the Lua error. The built-in interpreter is never used in its place.
 */
public final class InterpretationException extends RuntimeException {
  private final transient Script script;

  public InterpretationException(Script script, String error) {
    super(script.describe() + " failed: " + error);
    this.script = script;
  }

  public Script script() {
    return script;
  }
}
