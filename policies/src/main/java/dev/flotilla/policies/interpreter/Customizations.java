package dev.flotilla.policies.interpreter;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.policies.matching.Nodes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * ResourceInterpreterCustomizations indexed by target apiVersion and kind, merged as Karmada's
 * config manager merges them: in name order, the first non-empty script of each operation wins.
 * Immutable.
 */
public final class Customizations {
  /** No customization at all. */
  public static final Customizations NONE = new Customizations(Map.of());

  private final Map<String, Map<Operation, Script>> byTarget;

  private Customizations(Map<String, Map<Operation, Script>> byTarget) {
    this.byTarget = byTarget;
  }

  /**
   * Indexes ResourceInterpreterCustomization objects.
   *
   * @param origin {@link Script#CUSTOMIZATION} or {@link Script#THIRD_PARTY}
   */
  public static Customizations of(Collection<? extends JsonNode> objects, String origin) {
    List<JsonNode> sorted = new ArrayList<>(objects);
    sorted.sort(Comparator.comparing(o -> Nodes.text(o, "metadata", "name")));
    Map<String, Map<Operation, Script>> byTarget = new HashMap<>();
    for (JsonNode o : sorted) {
      if (Nodes.deleting(o)) {
        continue;
      }
      JsonNode target = o.path("spec").path("target");
      String key = key(target.path("apiVersion").asText(""), target.path("kind").asText(""));
      Map<Operation, Script> rules =
          byTarget.computeIfAbsent(key, k -> new EnumMap<>(Operation.class));
      for (Operation op : Operation.values()) {
        String lua =
            o.path("spec").path("customizations").path(op.field()).path("luaScript").asText("");
        if (!lua.isEmpty() && !rules.containsKey(op)) {
          rules.put(op, new Script(origin, Nodes.text(o, "metadata", "name"), op, lua));
        }
      }
    }
    return new Customizations(Map.copyOf(byTarget));
  }

  /** The script for an object of {@code apiVersion}/{@code kind}, or null. */
  public Script script(String apiVersion, String kind, Operation op) {
    Map<Operation, Script> rules = byTarget.get(key(apiVersion, kind));
    return rules == null ? null : rules.get(op);
  }

  /** Whether any customization targets this kind. */
  public boolean targets(String apiVersion, String kind) {
    return byTarget.containsKey(key(apiVersion, kind));
  }

  private static String key(String apiVersion, String kind) {
    return apiVersion + "/" + kind;
  }
}
