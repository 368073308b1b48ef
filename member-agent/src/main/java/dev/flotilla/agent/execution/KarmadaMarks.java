package dev.flotilla.agent.execution;

/** The labels, annotations and finalizer Karmada puts on Works and on the objects they apply. */
public final class KarmadaMarks {
  /** Label on every member object the agent applied. */
  public static final String MANAGED_LABEL = "karmada.io/managed";

  public static final String MANAGED_VALUE = "true";

  /** Annotations naming the Work that applied a member object. */
  public static final String WORK_NAME = "work.karmada.io/name";

  public static final String WORK_NAMESPACE = "work.karmada.io/namespace";

  /** The uid of the hub resource template a Work was made from. */
  public static final String TEMPLATE_UID = "resourcetemplate.karmada.io/uid";

  /** On a Work (or its manifest): {@code overwrite} takes over existing unmanaged objects. */
  public static final String CONFLICT_RESOLUTION = "work.karmada.io/conflict-resolution";

  public static final String CONFLICT_OVERWRITE = "overwrite";

  /** Holds a deleted Work until the agent has pruned what it applied. */
  public static final String FINALIZER = "karmada.io/execution-controller";

  /**
   * On a namespace the agent created only because a manifest needed it: a Work that lists the
   * namespace itself may take it over without {@code overwrite}, since nobody else owns it.
   */
  public static final String IMPLICIT_NAMESPACE = "agent.flotilla.dev/implicit-namespace";

  /**
   * On an object the agent installed on its own when the member joined (the MCS CRDs): a Work that
   * lists it may take it over without {@code overwrite}, and releases it instead of deleting it.
   */
  public static final String AGENT_INSTALLED = "agent.flotilla.dev/installed";

  /** The server-side apply field manager of everything the agent applies. */
  public static final String FIELD_MANAGER = "flotilla";

  private KarmadaMarks() {}
}
