package dev.flotilla.policies.interpreter;

/**
 * One Lua script chosen for an object and an operation, with where it came from: a
 * ResourceInterpreterCustomization on the hub ({@code customization}) or a third-party
 * customization Flotilla ships ({@code thirdparty}).
 */
public record Script(String origin, String name, Operation operation, String lua) {
  public static final String CUSTOMIZATION = "ResourceInterpreterCustomization";
  public static final String THIRD_PARTY = "third-party customization";

  /** Names the script in error messages, e.g. ResourceInterpreterCustomization "x" (retention). */
  public String describe() {
    return origin + " \"" + name + "\" (" + operation.field() + ")";
  }
}
