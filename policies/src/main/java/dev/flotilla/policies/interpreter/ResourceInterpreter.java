package dev.flotilla.policies.interpreter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.policies.dependencies.DependentObject;
import dev.flotilla.policies.dependencies.PodDependencies;
import dev.flotilla.policies.interpreter.lua.LuaConvert;
import dev.flotilla.policies.interpreter.lua.LuaLimits;
import dev.flotilla.policies.interpreter.lua.LuaSandbox;
import dev.flotilla.policies.interpreter.lua.ScriptException;
import dev.flotilla.policies.matching.Nodes;
import dev.flotilla.policies.status.Health;
import dev.flotilla.policies.status.StatusInterpreter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * Karmada's resource interpreter: for each operation a ResourceInterpreterCustomization's script
 * wins over a shipped third-party one, which wins over the built-in rule. A failing script throws
 * {@link InterpretationException}; the built-in rule is never used in its place. Thread-safe; the
 * customizations are swapped whole when the hub's set changes.
 */
public final class ResourceInterpreter {
  private final LuaSandbox sandbox;
  private final Customizations thirdParty;
  private volatile Customizations customized = Customizations.NONE;

  /** Shipped third-party customizations and the default limits. */
  public ResourceInterpreter() {
    this(LuaLimits.DEFAULT, ThirdParty.customizations());
  }

  public ResourceInterpreter(LuaLimits limits, Customizations thirdParty) {
    this.sandbox = new LuaSandbox(limits);
    this.thirdParty = thirdParty;
  }

  /** Replaces the hub's ResourceInterpreterCustomizations. */
  public void setCustomizations(Customizations customizations) {
    this.customized = customizations;
  }

  /** The script that interprets {@code op} for {@code object}, or null for the built-in rule. */
  public Script script(JsonNode object, Operation op) {
    String apiVersion = object.path("apiVersion").asText("");
    String kind = object.path("kind").asText("");
    Script s = customized.script(apiVersion, kind, op);
    return s != null ? s : thirdParty.script(apiVersion, kind, op);
  }

  /** Replicas and per-replica requirements (null when none) a script reads off a template. */
  public record Replicas(int replicas, ObjectNode requirements) {}

  /** GetReplicas by script; empty when no script applies (the caller's built-in rule). */
  public Optional<Replicas> replicas(JsonNode template) {
    Script s = script(template, Operation.REPLICA_RESOURCE);
    if (s == null) {
      return Optional.empty();
    }
    Varargs r = run(s, LuaConvert.toLua(template));
    if (!r.arg1().isnumber()) {
      throw new InterpretationException(
          s, "GetReplicas returned " + r.arg1().typename() + " where a number was expected");
    }
    LuaValue req = r.arg(2);
    ObjectNode requirements = null;
    if (req.istable()) {
      requirements = requirements(s, convert(s, req, true));
    } else if (!req.isnil()) {
      throw new InterpretationException(
          s, "GetReplicas returned requirements of type " + req.typename() + ", not a table");
    }
    return Optional.of(new Replicas((int) (long) r.arg1().todouble(), requirements));
  }

  /** ReviseReplica by script; empty when no script applies. */
  public Optional<ObjectNode> reviseReplica(JsonNode object, long replicas) {
    Script s = script(object, Operation.REPLICA_REVISION);
    if (s == null) {
      return Optional.empty();
    }
    Varargs r = run(s, LuaConvert.toLua(object), LuaValue.valueOf((double) replicas));
    return Optional.of(object(s, r.arg1(), object));
  }

  /** Retain by script (desired with the member's values kept); empty when no script applies. */
  public Optional<ObjectNode> retain(JsonNode desired, JsonNode observed) {
    Script s = script(desired, Operation.RETENTION);
    if (s == null) {
      return Optional.empty();
    }
    Varargs r = run(s, LuaConvert.toLua(desired), LuaConvert.toLua(observed));
    return Optional.of(object(s, r.arg1(), desired, observed));
  }

  /**
   * ReflectStatus: by script when one applies, else the built-in rule (the object's whole status).
   * Null when there is nothing to reflect.
   */
  public JsonNode reflectStatus(JsonNode object) {
    Script s = script(object, Operation.STATUS_REFLECTION);
    if (s == null) {
      JsonNode status = object.get("status");
      return status instanceof ObjectNode o && !o.isEmpty() ? o.deepCopy() : null;
    }
    LuaValue result = run(s, LuaConvert.toLua(object)).arg1();
    if (!result.istable()) {
      throw new InterpretationException(
          s, "ReflectStatus returned " + result.typename() + " where a table was expected");
    }
    return convert(s, result, true);
  }

  /**
   * AggregateStatus by script: the template as the script returns it, given Karmada's
   * AggregatedStatusItems ({@code clusterName, status, applied, health}); empty when no script.
   */
  public Optional<ObjectNode> aggregateStatus(JsonNode template, List<JsonNode> items) {
    Script s = script(template, Operation.STATUS_AGGREGATION);
    if (s == null) {
      return Optional.empty();
    }
    Varargs r =
        run(s, LuaConvert.toLua(template), LuaConvert.toLua(Nodes.MAPPER.valueToTree(items)));
    return Optional.of(object(s, r.arg1()));
  }

  /**
   * InterpretHealth: by script when one applies, else Karmada's built-in rule. A missing object is
   * Unknown.
   */
  public Health health(JsonNode object) {
    if (object == null || !object.isObject()) {
      return Health.UNKNOWN;
    }
    Script s = script(object, Operation.HEALTH_INTERPRETATION);
    if (s == null) {
      return StatusInterpreter.health(object);
    }
    LuaValue result = run(s, LuaConvert.toLua(object)).arg1();
    if (!result.isboolean()) {
      throw new InterpretationException(
          s, "InterpretHealth returned " + result.typename() + " where a boolean was expected");
    }
    return result.toboolean() ? Health.HEALTHY : Health.UNHEALTHY;
  }

  /** GetDependencies: by script when one applies, else the built-in pod-template rule. */
  public List<DependentObject> dependencies(JsonNode object) {
    Script s = script(object, Operation.DEPENDENCY_INTERPRETATION);
    if (s == null) {
      return PodDependencies.of(object);
    }
    LuaValue result = run(s, LuaConvert.toLua(object)).arg1();
    if (!result.istable()) {
      throw new InterpretationException(
          s, "GetDependencies returned " + result.typename() + " where a table was expected");
    }
    JsonNode list = convert(s, result, false);
    if (!list.isArray()) {
      throw new InterpretationException(s, "GetDependencies must return a list of references");
    }
    String namespace = Nodes.text(object, "metadata", "namespace");
    List<DependentObject> out = new ArrayList<>();
    for (JsonNode d : list) {
      String kind = d.path("kind").asText("");
      String name = d.path("name").asText("");
      if (kind.isEmpty() || name.isEmpty()) {
        throw new InterpretationException(
            s, "GetDependencies returned a reference without kind and name: " + d);
      }
      out.add(
          new DependentObject(
              d.path("apiVersion").asText("v1"),
              kind,
              d.path("namespace").asText(namespace == null ? "" : namespace),
              name));
    }
    return out;
  }

  private Varargs run(Script s, LuaValue... args) {
    try {
      return sandbox.call(s.lua(), s.operation().function(), args);
    } catch (ScriptException e) {
      throw new InterpretationException(s, e.getMessage());
    }
  }

  private static JsonNode convert(Script s, LuaValue value, boolean struct, JsonNode... refs) {
    try {
      return LuaConvert.toJson(value, struct, refs);
    } catch (ScriptException e) {
      throw new InterpretationException(s, e.getMessage());
    }
  }

  private static ObjectNode object(Script s, LuaValue value, JsonNode... refs) {
    if (!value.istable()) {
      throw new InterpretationException(
          s,
          s.operation().function()
              + " returned "
              + value.typename()
              + " where an object was expected");
    }
    JsonNode json = convert(s, value, true, refs);
    if (!(json instanceof ObjectNode o) || o.path("kind").asText("").isEmpty()) {
      throw new InterpretationException(
          s, s.operation().function() + " must return an object with apiVersion and kind");
    }
    return o;
  }

  /** Keeps the fields of Karmada's ReplicaRequirements, as decoding into the Go type does. */
  private static ObjectNode requirements(Script s, JsonNode json) {
    ObjectNode out = Nodes.MAPPER.createObjectNode();
    for (String field : List.of("nodeClaim", "resourceRequest", "namespace", "priorityClassName")) {
      JsonNode v = json.get(field);
      if (v != null && !v.isNull()) {
        out.set(field, v);
      }
    }
    JsonNode request = out.path("resourceRequest");
    if (!request.isMissingNode() && !request.isObject()) {
      throw new InterpretationException(s, "resourceRequest must be a map of quantities");
    }
    return out.isEmpty() ? null : out;
  }
}
