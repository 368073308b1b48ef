package dev.flotilla.sim;

/** Labels and annotations that steer the simulator, and that mark what it keeps. */
public final class SimAnnotations {
  /**
   * On a pod or a node: "false" keeps it not ready (Ready condition False), so its endpoints show
   * {@code ready: false}; remove it (or set "true") to make it ready again.
   */
  public static final String READY = "sim.flotilla.dev/ready";

  /** On nodes the simulator keeps: the member cluster's name. */
  public static final String NODE_LABEL = "sim.flotilla.dev/member";

  private SimAnnotations() {}
}
