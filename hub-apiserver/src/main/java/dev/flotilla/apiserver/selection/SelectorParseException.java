package dev.flotilla.apiserver.selection;

/** A label or field selector that cannot be parsed or validated; the message says what to fix. */
public class SelectorParseException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SelectorParseException(String message) {
    super(message);
  }
}
