package dev.flotilla.sim;

/**
 * The capacity (and allocatable) of every simulated node, in Kubernetes quantity syntax.
 *
 * @param cpu e.g. "8"
 * @param memory e.g. "32Gi"
 * @param pods how many pods a node admits, e.g. 110
 */
public record NodeResources(String cpu, String memory, int pods) {
  /** A mid-sized cloud VM with kubelet's default pod limit. */
  public static final NodeResources DEFAULT = new NodeResources("8", "32Gi", 110);
}
