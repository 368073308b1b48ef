package dev.flotilla.policies.placement;

import dev.flotilla.policies.placement.plugins.ApiEnablement;
import dev.flotilla.policies.placement.plugins.ClusterAffinity;
import dev.flotilla.policies.placement.plugins.ClusterEviction;
import dev.flotilla.policies.placement.plugins.ClusterLocality;
import dev.flotilla.policies.placement.plugins.SpreadConstraint;
import dev.flotilla.policies.placement.plugins.TaintToleration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Scheduling plugins by name, run in registration order. Karmada keeps them in a Go map (random
 * order); a fixed order makes the reported reason for a cluster that fails several filters stable:
 * the affinity first, since "not selected" explains the most.
 */
public final class Registry {

  private final Map<String, Plugin> plugins = new LinkedHashMap<>();

  /**
   * The in-tree plugins: ClusterAffinity, TaintToleration, APIEnablement, SpreadConstraint,
   * ClusterEviction, ClusterLocality.
   */
  public static Registry inTree() {
    return new Registry()
        .register(new ClusterAffinity())
        .register(new TaintToleration())
        .register(new ApiEnablement())
        .register(new SpreadConstraint())
        .register(new ClusterEviction())
        .register(new ClusterLocality());
  }

  /** Adds or replaces a plugin under its name. */
  public Registry register(Plugin plugin) {
    plugins.put(plugin.name(), plugin);
    return this;
  }

  /** A copy without the named plugins (Karmada's {@code --plugins=-Name}). */
  public Registry without(String... names) {
    Registry copy = new Registry();
    Set<String> dropped = Set.of(names);
    plugins.values().stream().filter(p -> !dropped.contains(p.name())).forEach(copy::register);
    return copy;
  }

  public Optional<Plugin> get(String name) {
    return Optional.ofNullable(plugins.get(name));
  }

  public Collection<String> names() {
    return List.copyOf(plugins.keySet());
  }

  public List<FilterPlugin> filters() {
    List<FilterPlugin> out = new ArrayList<>();
    plugins
        .values()
        .forEach(
            p -> {
              if (p instanceof FilterPlugin f) {
                out.add(f);
              }
            });
    return out;
  }

  public List<ScorePlugin> scorers() {
    List<ScorePlugin> out = new ArrayList<>();
    plugins
        .values()
        .forEach(
            p -> {
              if (p instanceof ScorePlugin s) {
                out.add(s);
              }
            });
    return out;
  }
}
