package dev.flotilla.policies.interpreter.lua;

/** A Lua script that did not compile, failed, broke a sandbox limit or returned the wrong shape. */
public final class ScriptException extends RuntimeException {
  public ScriptException(String message) {
    super(message);
  }

  public ScriptException(String message, Throwable cause) {
    super(message, cause);
  }
}
