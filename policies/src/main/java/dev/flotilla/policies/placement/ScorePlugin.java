package dev.flotilla.policies.placement;

import com.fasterxml.jackson.databind.JsonNode;

/** Ranks a feasible cluster; scores of all score plugins are summed. */
public interface ScorePlugin extends Plugin {

  /** The lowest score a plugin returns. */
  long MIN_SCORE = 0;

  /** The highest score a plugin returns. */
  long MAX_SCORE = 100;

  /** A score in [{@link #MIN_SCORE}, {@link #MAX_SCORE}]. */
  long score(JsonNode placement, JsonNode bindingSpec, JsonNode cluster);
}
