package dev.flotilla.policies.interpreter;

/**
 * The script kinds of a ResourceInterpreterCustomization: the {@code spec.customizations} field
 * each is written in and the Lua function it must define.
 */
public enum Operation {
  RETENTION("retention", "Retain"),
  REPLICA_RESOURCE("replicaResource", "GetReplicas"),
  REPLICA_REVISION("replicaRevision", "ReviseReplica"),
  STATUS_REFLECTION("statusReflection", "ReflectStatus"),
  STATUS_AGGREGATION("statusAggregation", "AggregateStatus"),
  HEALTH_INTERPRETATION("healthInterpretation", "InterpretHealth"),
  DEPENDENCY_INTERPRETATION("dependencyInterpretation", "GetDependencies");

  private final String field;
  private final String function;

  Operation(String field, String function) {
    this.field = field;
    this.function = function;
  }

  /** The field under {@code spec.customizations}. */
  public String field() {
    return field;
  }

  /** The global Lua function the script defines. */
  public String function() {
    return function;
  }
}
