package dev.flotilla.policies.eviction;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code failover.*.statePreservation}, pure: each rule's JSONPath is read from the old copy's
 * status and kept under its {@code aliasLabelName}, so the new copy can carry it as a label. The
 * JSONPath subset is the one state rules use: a field path with optional array indexes, e.g. {@code
 * {.replicas}} or {@code {.conditions[0].reason}}; anything else is refused at admission by {@link
 * #unsupported}.
 */
public final class PreservedState {
  private static final Pattern PATH =
      Pattern.compile("^\\{\\s*((?:\\.[A-Za-z0-9_-]+(?:\\[\\d+\\])*)+)\\s*\\}$");
  private static final Pattern STEP = Pattern.compile("\\.([A-Za-z0-9_-]+)|\\[(\\d+)\\]");

  private PreservedState() {}

  /** Why a rule's JSONPath cannot be evaluated here, or empty. */
  public static Optional<String> unsupported(String jsonPath) {
    return PATH.matcher(jsonPath == null ? "" : jsonPath.trim()).matches()
        ? Optional.empty()
        : Optional.of(
            "only field paths such as {.replicas} or {.conditions[0].reason} are supported");
  }

  /**
   * The preserved labels, or an exception naming the rule when the status lacks a value (Karmada
   * then retries rather than evict without the state).
   */
  public static Map<String, String> extract(JsonNode statePreservation, JsonNode status) {
    Map<String, String> out = new LinkedHashMap<>();
    for (JsonNode rule : statePreservation.path("rules")) {
      String alias = rule.path("aliasLabelName").asText();
      String path = rule.path("jsonPath").asText();
      Matcher m = PATH.matcher(path.trim());
      if (!m.matches()) {
        throw new IllegalArgumentException("jsonPath " + path + ": " + unsupported(path).get());
      }
      JsonNode n = status;
      Matcher step = STEP.matcher(m.group(1));
      while (step.find()) {
        n = step.group(1) != null ? n.path(step.group(1)) : n.path(Integer.parseInt(step.group(2)));
      }
      if (!n.isValueNode() || n.isNull()) {
        throw new IllegalStateException(
            "jsonPath " + path + " (label " + alias + ") has no value in the status");
      }
      out.put(alias, n.asText());
    }
    return out;
  }
}
