package dev.flotilla.policies.placement.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.policies.matching.Nodes;
import dev.flotilla.policies.placement.Bindings;
import dev.flotilla.policies.placement.ScorePlugin;

/** Prefers clusters the binding already runs on, so rescheduling moves as little as possible. */
public final class ClusterLocality implements ScorePlugin {

  public static final String NAME = "ClusterLocality";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public long score(JsonNode placement, JsonNode bindingSpec, JsonNode cluster) {
    return Bindings.targetContains(bindingSpec, Nodes.name(cluster)) ? MAX_SCORE : MIN_SCORE;
  }
}
