package dev.flotilla.policies.eviction;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Taint arguments as {@code kubectl taint} and {@code karmadactl taint} read them, pure: {@code
 * key=value:Effect} or {@code key:Effect} adds, {@code key:Effect-} removes that taint and {@code
 * key-} every taint of the key. Adding a taint whose key and effect exist with another value needs
 * overwrite; removing one that is not there is an error, as in kubectl.
 */
public final class TaintSpecs {
  /** The taint {@code karmadactl cordon} adds. */
  public static final String UNSCHEDULABLE = "cluster.karmada.io/unschedulable";

  private static final Set<String> EFFECTS = Set.of("NoSchedule", "PreferNoSchedule", "NoExecute");

  /** One parsed argument; effect null for {@code key-}. */
  public record Spec(String key, String value, String effect, boolean remove) {}

  private TaintSpecs() {}

  public static Spec parse(String arg) {
    boolean remove = arg.endsWith("-");
    String body = remove ? arg.substring(0, arg.length() - 1) : arg;
    int colon = body.lastIndexOf(':');
    String effect = colon < 0 ? null : body.substring(colon + 1);
    String keyValue = colon < 0 ? body : body.substring(0, colon);
    if (effect != null && !EFFECTS.contains(effect)) {
      throw new IllegalArgumentException(
          "invalid taint effect: " + effect + ", unsupported taint effect");
    }
    if (effect == null && !remove) {
      throw new IllegalArgumentException(
          "invalid taint spec: " + arg + ", expected key=value:Effect, key:Effect or key-");
    }
    int eq = keyValue.indexOf('=');
    String key = eq < 0 ? keyValue : keyValue.substring(0, eq);
    String value = eq < 0 ? "" : keyValue.substring(eq + 1);
    if (key.isEmpty()) {
      throw new IllegalArgumentException("invalid taint spec: " + arg + ", the key is empty");
    }
    return new Spec(key, value, effect, remove);
  }

  /** The taints after applying {@code specs} in order. */
  public static ArrayNode apply(JsonNode taints, List<Spec> specs, boolean overwrite, Instant now) {
    List<JsonNode> out = new ArrayList<>();
    taints.forEach(out::add);
    for (Spec s : specs) {
      if (s.remove()) {
        boolean removed =
            out.removeIf(
                t ->
                    s.key().equals(t.path("key").asText())
                        && (s.effect() == null || s.effect().equals(t.path("effect").asText())));
        if (!removed) {
          throw new IllegalArgumentException(
              "taint " + s.key() + (s.effect() == null ? "" : ":" + s.effect()) + " not found");
        }
        continue;
      }
      JsonNode existing = null;
      for (JsonNode t : out) {
        if (s.key().equals(t.path("key").asText())
            && s.effect().equals(t.path("effect").asText())) {
          existing = t;
        }
      }
      if (existing != null) {
        if (existing.path("value").asText("").equals(s.value())) {
          continue;
        }
        if (!overwrite) {
          throw new IllegalArgumentException(
              "cluster already has "
                  + s.key()
                  + " taint(s) with the same effect(s) and --overwrite is false");
        }
        out.remove(existing);
      }
      ObjectNode t = JsonNodeFactory.instance.objectNode();
      t.put("key", s.key());
      if (!s.value().isEmpty()) {
        t.put("value", s.value());
      }
      t.put("effect", s.effect());
      t.put("timeAdded", now.truncatedTo(ChronoUnit.SECONDS).toString());
      out.add(t);
    }
    ArrayNode result = JsonNodeFactory.instance.arrayNode();
    out.forEach(result::add);
    return result;
  }
}
